/**
 * The page's only script: sorting the slice table by a clicked (or Enter/Space-pressed) header
 * and filtering its rows by text and kind. Plain DOM, no library; the page reads fine without it.
 * It is allowed by its SHA-256 in the page's Content-Security-Policy, so no other inline script
 * (say, from a hostile class name that escaped escaping) could run.
 */
export const SCRIPT = `(function(){
var table=document.getElementById('slice-table');
if(!table)return;
var body=table.tBodies[0];
var heads=table.tHead.rows[0].cells;
function val(row,col,num){var v=row.cells[col].getAttribute('data-v');if(!num)return v||'';return v===''||v===null?NaN:parseFloat(v);}
function sortBy(col,type){
  var th=heads[col];var dir=th.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
  for(var i=0;i<heads.length;i++)heads[i].setAttribute('aria-sort','none');
  th.setAttribute('aria-sort',dir);
  var num=type==='num';var sign=dir==='ascending'?1:-1;
  var rows=Array.prototype.slice.call(body.rows);
  rows.sort(function(a,b){
    var x=val(a,col,num),y=val(b,col,num);
    if(num){var xn=isNaN(x),yn=isNaN(y);if(xn||yn)return xn&&yn?0:xn?1:-1;return sign*(x-y);}
    return sign*x.localeCompare(y);
  });
  rows.forEach(function(r){body.appendChild(r);});
}
var buttons=table.querySelectorAll('thead button');
for(var i=0;i<buttons.length;i++){(function(b){b.addEventListener('click',function(){sortBy(+b.getAttribute('data-col'),b.getAttribute('data-type'));});})(buttons[i]);}
var text=document.getElementById('slice-filter');var kind=document.getElementById('slice-kind');var count=document.getElementById('slice-count');
function filter(){
  var q=(text.value||'').toLowerCase();var k=kind.value;var shown=0;
  for(var i=0;i<body.rows.length;i++){var r=body.rows[i];
    var ok=(!q||r.cells[1].textContent.toLowerCase().indexOf(q)>=0)&&(!k||r.getAttribute('data-kind')===k);
    r.hidden=!ok;if(ok)shown++;}
  count.textContent=shown+' of '+body.rows.length+' slices shown';
}
text.addEventListener('input',filter);kind.addEventListener('change',filter);
})();`;
