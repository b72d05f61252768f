/**
 * ITU-R BT.601 luma weights, as PIL's `convert('L')`, OpenCV's `cvtColor` and torchvision's
 * `rgb_to_grayscale` use: Y = 0.299 R + 0.587 G + 0.114 B. They sum to 1, so grey RGB stays
 * exact. The one home of the weights: decode-to-grey tensors, image properties, perceptual
 * hashes and the colour transforms all use these.
 */
export const LUMA_R = 0.299;
export const LUMA_G = 0.587;
export const LUMA_B = 0.114;
