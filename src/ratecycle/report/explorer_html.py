"""The Explore section in HTML: server-drawn controls, the grid embedded compressed, and a small script of our own
that looks a change up in the grid and draws the spread chart as SVG (a plotly redraw per change was too slow)."""

from __future__ import annotations

import html
import json
from typing import Any

from .model import Explorer
from .packing import pack

STATS = (("n", "Cycles with a completed window"), ("hits", "First series ahead"),
         ("mean_spread", "Mean spread"), ("median_spread", "Median spread"), ("excluded", "Windows left out"))
COLUMNS = ("Cycle", "Anchor day", "From", "To", "First series", "Second series", "Spread", "Counted")
LABELS = {"pair": "Pair", "rules": "Pause rule", "min_pause": "Minimum pause", "max_gap": "Maximum gap",
          "convention": "Window starts at", "months": "Horizon", "anchor": "Anchor"}
ORDER = ("pair", "anchor", "months", "convention", "rules", "min_pause", "max_gap")
"""Controls in the order a reader meets them."""

SCRIPT = r"""(function(){
var root=document.getElementById('explore-app');if(!root){return;}
function pct(v){return v===null?'-':(v>=0?'+':'')+(100*v).toFixed(1)+'%';}
function pp(v){return v===null?'-':(v>=0?'+':'')+(100*v).toFixed(1)+' pp';}
function esc(s){return String(s).replace(/&/g,'&amp;').replace(/</g,'&lt;').replace(/>/g,'&gt;')
.replace(/"/g,'&quot;');}
var MON=['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec'];
function day(s){var p=s.split('-');return (+p[2])+' '+MON[+p[1]-1]+' '+p[0];}
var chart=document.getElementById('explore-chart');var shown=null;
function step(span){var raw=span/5;var mag=Math.pow(10,Math.floor(Math.log10(raw)));
var m=[1,2,2.5,5,10].find(function(f){return f*mag>=raw*(1-1e-9);});return m*mag;}
function width(){return Math.max(chart.clientWidth,300);}
function draw(c,W){shown=c;var n=c.ys.length,L=50,R=14,T=28;
var band=(W-L-R)/Math.max(n,1),tilt=band>=40,every=tilt?1:Math.ceil(14/band),B=tilt?62:84,H=B+256;
var pw=W-L-R,ph=H-T-B;
var out=['<svg xmlns="http://www.w3.org/2000/svg" width="'+W+'" height="'+H+'" role="img" aria-label="'+
esc(c.title)+' by cycle">'];
if(!n){out.push('<text x="'+(W/2)+'" y="'+(H/2)+'" text-anchor="middle">No completed window under these rules.'+
'</text>');}
else{var lo=Math.min(0,Math.min.apply(null,c.ys)),hi=Math.max(0,Math.max.apply(null,c.ys));
var pad=0.05*((hi-lo)||0.02);var st=step(hi-lo+2*pad);
var k0=Math.floor((lo-(lo<0?pad:0))/st),k1=Math.ceil((hi+(hi>0?pad:0))/st);if(k1===k0){k1=k0+1;}
lo=k0*st;hi=k1*st;var dec=0;while(dec<4){var f=100*st*Math.pow(10,dec);if(Math.abs(f-Math.round(f))<1e-6){break;}dec++;}
var y=function(v){return T+ph*(hi-v)/(hi-lo);};
for(var k=k0;k<=k1;k++){var v=k*st,yy=y(v).toFixed(1);
out.push('<line x1="'+L+'" x2="'+(W-R)+'" y1="'+yy+'" y2="'+yy+'" stroke="'+(k===0?'#6b7280':'#e5e7eb')+'"/>'+
'<text x="'+(L-6)+'" y="'+yy+'" dy="0.35em" text-anchor="end">'+(v>=0?'+':'')+(100*v).toFixed(dec)+'%</text>');}
var y0=y(0);
c.ys.forEach(function(v,i){var x=L+band*i,top=Math.min(y(v),y0),h=Math.abs(y(v)-y0),mid=(x+band/2).toFixed(1);
out.push('<rect class="bar" x="'+(x+0.1*band).toFixed(1)+'" y="'+top.toFixed(1)+'" width="'+(0.8*band).toFixed(1)+
'" height="'+h.toFixed(1)+'" fill="'+(v>0?'#c2410c':'#1d4ed8')+'"><title>'+esc(c.tips[i])+'</title></rect>'+
(i%every?'':'<text transform="translate('+mid+','+(T+ph+8)+') rotate('+(tilt?-35:-90)+')" dy="0.35em" '+
'text-anchor="end">'+esc(c.xs[i])+'</text>'));});}
out.push('<text x="4" y="14" class="title">'+esc(c.title)+'</text></svg>');
chart.innerHTML=out.join('');}
new ResizeObserver(function(){var W=width();if(shown&&chart.firstChild&&+chart.firstChild.getAttribute('width')!==W){
draw(shown,W);}}).observe(chart);
window.rcUnpack('explore-grid').then(JSON.parse).then(function(grid){
var form=root.querySelector('form');var body=root.querySelector('tbody');var heads=root.querySelectorAll('thead th');
var first=root.querySelector('[data-label="first"]');var stats={};
root.querySelectorAll('[data-stat]').forEach(function(el){stats[el.getAttribute('data-stat')]=el;});
var values=grid.controls.map(function(c){return grid.options[c].map(String);});
function variant(){var id=0;grid.controls.forEach(function(c,i){
id=id*values[i].length+values[i].indexOf(form.elements[c].value);});return id;}
function names(){var sel=form.elements['pair'];return sel.options[sel.selectedIndex].text.split(' vs ');}
function setStat(key,value,text){var el=stats[key];el.setAttribute('data-value',value===null?'':String(value));
el.textContent=text;}
function update(){var t0=performance.now();var W=width();var id=variant();var st=grid.stats[id];var nm=names();
setStat('n',st[0],String(st[0]));setStat('hits',st[1],st[1]+' of '+st[0]);
setStat('mean_spread',st[2],pp(st[2]));setStat('median_spread',st[3],pp(st[3]));setStat('excluded',st[4],String(st[4]));
first.textContent=nm[0]+' ahead';heads[4].textContent=nm[0];heads[5].textContent=nm[1];
var rows=[],xs=[],ys=[],tips=[];
grid.members[id].forEach(function(k){var w=grid.windows[k];var spread=(w[4]===null||w[5]===null)?null:w[4]-w[5];
rows.push('<tr><td class="text"><span class="nw">'+w[0]+'</span></td><td class="text">'+day(w[1])+
'</td><td class="text">'+day(w[2])+'</td><td class="text">'+day(w[3])+'</td><td class="num">'+pct(w[4])+
'</td><td class="num">'+pct(w[5])+
'</td><td class="num">'+pp(spread)+'</td><td class="text">'+(w[6]?'yes':'no: window not complete')+'</td></tr>');
if(w[6]){xs.push(w[0]);ys.push(spread);
tips.push(w[0]+': '+nm[0]+' '+pct(w[4])+', '+nm[1]+' '+pct(w[5])+', spread '+pp(spread));}});
body.innerHTML=rows.join('')||'<tr><td class="text" colspan="8">No cycle has this anchor under these rules.</td></tr>';
draw({xs:xs,ys:ys,tips:tips,title:'Spread, '+nm[0]+' minus '+nm[1]},W);
root.setAttribute('data-update-ms',(performance.now()-t0).toFixed(2));}
form.addEventListener('change',update);update();root.setAttribute('data-ready','1');
});})();"""
"""The explorer's script: a variant id from the controls, a lookup of the sweep's numbers (no computation), the
table in one assignment and the bar chart as one SVG string."""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _grid_text(grid: dict[str, Any]) -> str:
    """The grid as compact JSON, packed for the page (``rcUnpack`` in the page head reads it back).

    Level 6 (zlib's default) is 2-3 times faster than 9 on this JSON for a file about 1% larger."""
    raw = json.dumps(grid, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return pack(raw, level=6)


def _select(name: str, values: list[Any], labels: list[str], default: Any) -> str:
    options = "".join(f'<option value="{_esc(v)}"{" selected" if str(v) == str(default) else ""}>{_esc(label)}</option>'
                      for v, label in zip(values, labels, strict=True))
    return f'<label>{_esc(LABELS[name])}<select name="{name}">{options}</select></label>'


def explorer_html(block: Explorer) -> str:
    """Controls, statistics, chart and event table of the explorer, with its grid and script."""
    grid = block.grid
    controls = "".join(_select(c, grid["options"][c], grid["labels"][c], grid["defaults"][c]) for c in ORDER)
    stats = "".join(f'<div><span data-label="{"first" if key == "hits" else key}">{_esc(label)}</span>'
                    f'<span data-stat="{key}"></span></div>' for key, label in STATS)
    head = "".join(f'<th class="{"num" if 4 <= i <= 6 else "text"}">{_esc(c)}</th>' for i, c in enumerate(COLUMNS))
    return (f'<div class="explorer" id="explore-app"><form onsubmit="return false">{controls}</form>'
            f'<div class="stats">{stats}</div><div id="explore-chart" class="explore-chart"></div>'
            f'<div class="table-wrap"><table id="explore-table"><thead><tr>{head}</tr></thead><tbody></tbody></table>'
            f'</div><script type="application/octet-stream" id="explore-grid">{_grid_text(grid)}</script>'
            f"<script>{SCRIPT}</script></div>")
