// The page's inline style and script: no external file, font or request, so the report
// opens from disk, offline, and can be attached to an issue as one file.
export const PAGE_CSS = `
:root{--ok:#1e7e34;--okbg:#d4edda;--bad:#bd2130;--badbg:#f8d7da;--warn:#b8860b;--warnbg:#fff3cd;--int:#6f42c1;--intbg:#e2d9f3;--run:#117a8b;--runbg:#d1ecf1;--muted:#6c757d;--line:#dee2e6}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#212529;background:#fff}
main{max-width:1200px;margin:0 auto;padding:16px 24px 64px}h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:0 0 8px}h4{font-size:14px;margin:12px 0 4px}code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f6f8fa;border:1px solid var(--line);border-radius:4px;padding:8px;overflow:auto;max-height:420px;white-space:pre-wrap;word-break:break-word;margin:4px 0}
table{border-collapse:collapse;margin:6px 0;width:100%}th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}th{background:#f1f3f5}
.muted{color:var(--muted)}.header dl,.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0}dt{color:var(--muted)}dd{margin:0}
.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;border:1px solid currentColor}
.state-succeeded .badge,.badge.state-succeeded,.badge.check-passed,.badge.case-passed{color:var(--ok);background:var(--okbg)}
.badge.state-cached{color:var(--ok);background:#eef7ea}.badge.state-failed,.badge.check-failed,.badge.case-failed,.badge.case-error{color:var(--bad);background:var(--badbg)}
.badge.state-blocked,.badge.check-skipped,.badge.case-skipped{color:var(--warn);background:var(--warnbg)}.badge.state-interrupted{color:var(--int);background:var(--intbg)}
.badge.state-pending,.badge.state-running,.badge.state-verifying,.badge.state-repairing{color:var(--run);background:var(--runbg)}
.status-succeeded{color:var(--ok)}.status-failed{color:var(--bad)}.status-interrupted{color:var(--int)}.status-running{color:var(--run)}
.failure{border:2px solid var(--bad);background:#fff5f5;border-radius:6px;padding:10px 14px;margin:12px 0}.failure h2{color:var(--bad);border:0;margin-top:0}
.failure li{margin:6px 0}.notice-warn{color:#7a5a00}
svg text{font:12px system-ui,sans-serif;fill:#212529}.figure{overflow-x:auto;border:1px solid var(--line);border-radius:6px;padding:6px;margin:6px 0}
.dag-phase rect{fill:#f8f9fa;stroke:#ced4da;stroke-dasharray:4 3}.dag-phase text{fill:var(--muted);font-weight:600}
.dag-node rect{stroke-width:1.5}.dag-node.critical rect{stroke-width:3.5}.dag-id{font-weight:600}
.dag-edge{fill:none;stroke:#868e96;stroke-width:1.3}.dag-edge.critical{stroke:#d9480f;stroke-width:3}.arrow-head{fill:#868e96}
.dag-node.state-succeeded rect{fill:var(--okbg);stroke:var(--ok)}.dag-node.state-cached rect{fill:#eef7ea;stroke:var(--ok);stroke-dasharray:4 2}
.dag-node.state-failed rect{fill:var(--badbg);stroke:var(--bad)}.dag-node.state-blocked rect{fill:var(--warnbg);stroke:var(--warn)}
.dag-node.state-interrupted rect{fill:var(--intbg);stroke:var(--int)}.dag-node.state-pending rect,.dag-node.state-running rect,.dag-node.state-verifying rect,.dag-node.state-repairing rect{fill:var(--runbg);stroke:var(--run)}
.dag-node.critical rect{stroke:#d9480f}
.gantt-phase{font-weight:600;fill:var(--muted)}.gantt-tick{stroke:#e9ecef}.gantt-axis{fill:var(--muted);text-anchor:middle;font-size:11px}
.gantt-bar{fill:#e9ecef;stroke:#adb5bd}.gantt-task.critical .gantt-bar{stroke:#d9480f;stroke-width:2.5}.gantt-task.state-failed .gantt-bar{fill:var(--badbg);stroke:var(--bad)}
.gantt-task.state-interrupted .gantt-bar{fill:var(--intbg)}.gantt-milestone{fill:#8ce99a;stroke:var(--ok)}.gantt-note{fill:var(--warn);font-style:italic}
.seg-model{fill:#4dabf7}.seg-tool{fill:#ffa94d}.seg-verify{fill:#b197fc}.seg-commit{fill:#51cf66}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border-radius:2px}
.task{border:1px solid var(--line);border-left:5px solid #adb5bd;border-radius:6px;padding:10px 14px;margin:14px 0}
.task.state-succeeded{border-left-color:var(--ok)}.task.state-cached{border-left-color:#8ce99a}.task.state-failed{border-left-color:var(--bad)}
.task.state-blocked{border-left-color:var(--warn)}.task.state-interrupted{border-left-color:var(--int)}
.attempt.failed h4{color:var(--bad)}.check-failed td:first-child{color:var(--bad);font-weight:600}
details>summary{cursor:pointer;user-select:none}.transcript{margin-top:10px}.transcript>summary{font-weight:600}
.turn{border-top:1px dashed var(--line);padding:6px 0 4px 10px}.turn-head{color:var(--muted);font-size:12px;margin-bottom:4px}
.assistant-text{white-space:pre-wrap;margin:4px 0;padding:4px 8px;background:#f8f9ff;border-left:3px solid #748ffc}
.tool-call{margin:6px 0 6px 8px;padding:4px 8px;border-left:3px solid #ffa94d}.tool-name{font-weight:600;font-family:ui-monospace,monospace}
.tool-call.tool-error{border-left-color:var(--bad);background:#fff5f5}.error-text{color:var(--bad);font-weight:600}
nav.toc a{margin-right:10px}
`;

/** Clicking a task in the DAG or the Gantt chart opens its section (and its transcript). */
export const PAGE_SCRIPT = `
(function(){
  function openTask(id){
    var section=document.getElementById(id);
    if(!section)return;
    var transcript=section.querySelector('details.transcript');
    if(transcript)transcript.open=true;
  }
  window.addEventListener('hashchange',function(){openTask(location.hash.slice(1));});
  if(location.hash)openTask(location.hash.slice(1));
  var toggle=document.getElementById('expand-all');
  if(toggle)toggle.addEventListener('click',function(){
    var open=toggle.getAttribute('data-open')!=='true';
    document.querySelectorAll('details.transcript').forEach(function(d){d.open=open;});
    toggle.setAttribute('data-open',String(open));
    toggle.textContent=open?'Collapse all transcripts':'Expand all transcripts';
  });
})();
`;
