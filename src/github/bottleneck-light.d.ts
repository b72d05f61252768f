// `bottleneck/light.js` is the build without Redis clustering that plugin-throttling itself uses;
// it ships no typings of its own, but its API is the main entry's.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
