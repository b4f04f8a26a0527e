"""The Explore section in HTML: server-drawn controls, the grid embedded compressed, and a small script of our own."""

from __future__ import annotations

import base64
import gzip
import html
import json
from typing import Any

from .model import Explorer

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
var MON=['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec'];
function day(s){var p=s.split('-');return (+p[2])+' '+MON[+p[1]-1]+' '+p[0];}
async function inflate(id){var el=document.getElementById(id);var bin=atob(el.textContent.trim());
var bytes=new Uint8Array(bin.length);for(var i=0;i<bin.length;i++){bytes[i]=bin.charCodeAt(i);}
var s=new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
return JSON.parse(await new Response(s).text());}
inflate('explore-grid').then(function(grid){
var form=root.querySelector('form');var body=root.querySelector('tbody');
var chart=document.getElementById('explore-chart');
function variant(){var id=0;grid.controls.forEach(function(c){var vals=grid.options[c].map(String);
id=id*vals.length+vals.indexOf(form.elements[c].value);});return id;}
function names(){var sel=form.elements['pair'];return sel.options[sel.selectedIndex].text.split(' vs ');}
function setStat(key,value,text){var el=root.querySelector('[data-stat="'+key+'"]');
el.setAttribute('data-value',value===null?'':String(value));el.textContent=text;}
function update(){var t0=performance.now();var id=variant();var st=grid.stats[id];var nm=names();
setStat('n',st[0],String(st[0]));setStat('hits',st[1],st[1]+' of '+st[0]);
setStat('mean_spread',st[2],pp(st[2]));setStat('median_spread',st[3],pp(st[3]));setStat('excluded',st[4],String(st[4]));
root.querySelector('[data-label="first"]').textContent=nm[0]+' ahead';
var heads=root.querySelectorAll('thead th');heads[4].textContent=nm[0];heads[5].textContent=nm[1];
var rows=[],xs=[],ys=[],tips=[],colors=[];
grid.members[id].forEach(function(k){var w=grid.windows[k];var spread=(w[4]===null||w[5]===null)?null:w[4]-w[5];
rows.push('<tr><td class="text"><span class="nw">'+w[0]+'</span></td><td class="text">'+day(w[1])+
'</td><td class="text">'+day(w[2])+'</td><td class="text">'+day(w[3])+'</td><td class="num">'+pct(w[4])+
'</td><td class="num">'+pct(w[5])+
'</td><td class="num">'+pp(spread)+'</td><td class="text">'+(w[6]?'yes':'no: window not complete')+'</td></tr>');
if(w[6]){xs.push(w[0]);ys.push(spread);colors.push(spread>0?'#c2410c':'#1d4ed8');
tips.push(w[0]+': '+nm[0]+' '+pct(w[4])+', '+nm[1]+' '+pct(w[5])+', spread '+pp(spread));}});
body.innerHTML=rows.join('')||'<tr><td class="text" colspan="8">No cycle has this anchor under these rules.</td></tr>';
if(window.Plotly){Plotly.react(chart,[{type:'bar',x:xs,y:ys,marker:{color:colors},hovertext:tips,
hoverinfo:'text',name:'Spread'}],{height:300,margin:{l:60,r:20,t:10,b:60},font:{size:12},
yaxis:{title:{text:'Spread, '+nm[0]+' minus '+nm[1]},tickformat:'+.0%',zeroline:true},
xaxis:{type:'category',tickangle:-35},paper_bgcolor:'white',plot_bgcolor:'white'},
{displaylogo:false,responsive:true});}
root.setAttribute('data-update-ms',(performance.now()-t0).toFixed(2));}
form.addEventListener('change',update);window.plotlyReady.then(update);update();root.setAttribute('data-ready','1');
});})();"""
"""The explorer's script: a variant id from the controls, then a lookup of the sweep's numbers (no computation)."""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _grid_text(grid: dict[str, Any]) -> str:
    """The grid as compact JSON, gzip-compressed (fixed header time) and base64-encoded."""
    raw = json.dumps(grid, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


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
