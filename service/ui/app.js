/*
 * app.js - the Stagewise workbench (docs/workbench.md). Plain JavaScript, no build
 * step, nothing fetched but this server's JSON API:
 *
 *   GET  /v1/schema            the form (facts grouped as the schema's facts blocks)
 *   POST /v1/try               the brief for the facts in the form (not logged)
 *   POST /v1/explain/RULE      a rule's condition tree with the client's values
 *   POST /v1/why-not/KIND:ID   why an outcome was not produced
 *   GET  /v1/rules             the guidance: rules, citations, stages, scenarios
 *   GET  /v1/hazards           the clinical hazard log, judged (when served with --hazards)
 *   GET  /v1/decisions/ID      a logged decision, its chain and its replay
 *
 * Every request carries the access token (sessionStorage, this tab only) as a
 * bearer token. Pages are built with DOM calls and text nodes only, never HTML
 * strings, so no text from the rules or a record is ever read as markup.
 */
'use strict';

const state = { schema: null, rules: null, byId: new Map(), lastResult: null, timer: null,
  tryCounter: 0, guidanceMode: 'stage', hazards: null, hazardsNote: '' };

/* ---- small helpers ---- */

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return e;
}

function $(id) { return document.getElementById(id); }

function setStatus(text, isError) {
  const s = $('status');
  s.textContent = text || '';
  s.className = isError ? 'error' : '';
}

function token() { return sessionStorage.getItem('stagewise-token') || ''; }

async function api(path, body) {
  const headers = {};
  if (token()) headers.Authorization = 'Bearer ' + token();
  const init = { headers, method: body === undefined ? 'GET' : 'POST' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const reply = await fetch(path, init);
  let data = null;
  try { data = await reply.json(); } catch (e) { data = null; }
  if (!reply.ok) {
    let message = (data && data.message) || ('the server answered ' + reply.status);
    if (reply.status === 401) message = 'The server needs a valid access token: type it above.';
    if (data && data.diagnostics && data.diagnostics.length)
      message += ': ' + data.diagnostics.map(d => d.message).join('; ');
    const err = new Error(message);
    err.status = reply.status;
    throw err;
  }
  return data;
}

function truthBadge(truth) {
  const t = truth === 'true' || truth === 'false' || truth === 'unknown' ? truth : 'unknown';
  return el('span', { class: 'truth truth-' + t }, t);
}

function severityBadge(sev) {
  return el('span', { class: 'sev sev-' + sev }, sev);
}

function priorityBadge(prio) {
  return el('span', { class: 'sev prio-' + prio }, prio);
}

function citationList(citations) {
  if (!citations || !citations.length) return el('p', { class: 'hint' }, 'No citation.');
  return el('ul', {}, citations.map(c => el('li', {},
    el('strong', {}, c.source + (c.statement ? ' ' + c.statement : '')), ' ',
    c.source_title ? el('span', { class: 'hint' }, '(' + c.source_title + ') ') : null,
    c.text ? '\u201c' + c.text + '\u201d' : null)));
}

/* ---- the form (Try a client) ---- */

function factHint(f) {
  const parts = [];
  if (f.type === 'int' || f.type === 'number') {
    parts.push(f.type === 'int' ? 'whole number' : 'number');
    if (f.min !== undefined) parts.push('from ' + f.min + ' to ' + f.max);
  } else if (f.type === 'bool') parts.push('yes or no');
  else if (f.type === 'date') parts.push('date');
  else if (f.type === 'set_of') parts.push('any of ' + f.members.length);
  else if (f.type === 'one_of' || f.type === 'stage') parts.push('one of ' + f.members.length);
  else parts.push('text');
  parts.push('empty is unknown');
  return parts.join(', ');
}

function factControl(f) {
  const id = 'f-' + f.name;
  const hintId = 'h-' + f.name;
  const hint = el('span', { id: hintId, class: 'hint' }, el('span', { class: 'name' }, f.name), ' \u00b7 ', factHint(f));
  const ask = el('span', { id: 'ask-' + f.name, class: 'ask-note' });
  if (f.type === 'set_of') {
    const choices = f.members.map(m => el('label', {},
      el('input', { type: 'checkbox', id: id + '--' + m, 'data-member': m, onchange: () => {
        $(id + '--known').checked = true; changed();
      } }), ' ', m));
    return el('div', { class: 'fact', id: 'row-' + f.name },
      el('fieldset', { class: 'members', 'aria-describedby': hintId },
        el('legend', {}, f.label),
        el('div', { class: 'known-choice' },
          el('label', {}, el('input', { type: 'radio', name: id + '-state', id: id + '--unknown', checked: true, value: 'unknown', onchange: changed }), ' Unknown (not recorded)'),
          el('label', {}, el('input', { type: 'radio', name: id + '-state', id: id + '--known', value: 'known', onchange: changed }), ' Recorded: the ones ticked (none ticked is none)')),
        el('div', { class: 'choices' }, choices)),
      hint, ask);
  }
  let control;
  if (f.type === 'bool') {
    control = el('select', { id, 'aria-describedby': hintId, onchange: changed },
      el('option', { value: '' }, 'unknown'), el('option', { value: 'true' }, 'yes'), el('option', { value: 'false' }, 'no'));
  } else if (f.type === 'one_of' || f.type === 'stage') {
    control = el('select', { id, 'aria-describedby': hintId, onchange: changed },
      el('option', { value: '' }, 'unknown'), f.members.map(m => el('option', { value: m }, m.replace(/_/g, ' '))));
  } else if (f.type === 'int' || f.type === 'number') {
    control = el('input', { id, type: 'number', inputmode: f.type === 'int' ? 'numeric' : 'decimal',
      min: f.min, max: f.max, step: f.type === 'int' ? '1' : 'any', placeholder: 'unknown',
      'aria-describedby': hintId, oninput: changed });
  } else if (f.type === 'date') {
    control = el('input', { id, type: 'date', 'aria-describedby': hintId, onchange: changed, oninput: changed });
  } else {
    control = el('input', { id, type: 'text', placeholder: 'unknown', 'aria-describedby': hintId, oninput: changed });
  }
  return el('div', { class: 'fact', id: 'row-' + f.name }, el('label', { for: id }, f.label), control, hint, ask);
}

function buildForm(schema) {
  const box = $('groups');
  box.replaceChildren();
  schema.groups.forEach((g, i) => {
    box.append(el('fieldset', { class: 'group' },
      el('legend', {}, g.title || ('Facts ' + (i + 1) + ' (' + g.file + ')')),
      g.facts.map(factControl)));
  });
  const whynot = $('whynot-target');
  whynot.replaceChildren();
  const kinds = [['recommend', 'interventions', 'Recommend'], ['advise', 'practices', 'Advise'],
    ['challenge', 'challenges', 'Challenge'], ['risk', 'risks', 'Risk']];
  for (const [kind, key, title] of kinds)
    whynot.append(el('optgroup', { label: title }, schema[key].map(it =>
      el('option', { value: kind + ':' + it.id }, it.label + ' (' + it.id + ')'))));
  whynot.append(el('optgroup', { label: 'Move to stage' }, schema.stages.map(s =>
    el('option', { value: 'stage:' + s.id }, (s.title || s.id) + ' (' + s.id + ')'))));
}

function fillRuleSelect() {
  const sel = $('rule-target');
  sel.replaceChildren();
  for (const r of state.rules.rules)
    sel.append(el('option', { value: r.id }, r.title + ' (' + r.id + ')'));
}

/* The client document the form describes: only the facts recorded. */
function clientDocument() {
  const doc = { facts: {} };
  const client = $('f--client').value.trim();
  if (client) doc.client = client;
  const assessed = $('f--assessed_on').value;
  if (assessed) doc.assessed_on = assessed;
  for (const g of state.schema.groups) for (const f of g.facts) {
    const id = 'f-' + f.name;
    if (f.type === 'set_of') {
      if (!$(id + '--known').checked) continue;
      doc.facts[f.name] = f.members.filter(m => $(id + '--' + m).checked);
      continue;
    }
    const v = $(id).value;
    if (v === '') continue;
    if (f.type === 'bool') doc.facts[f.name] = v === 'true';
    else if (f.type === 'int' || f.type === 'number') {
      const n = Number(v);
      doc.facts[f.name] = Number.isFinite(n) ? n : v;
    } else doc.facts[f.name] = v;
  }
  return doc;
}

function changed() {
  clearTimeout(state.timer);
  state.timer = setTimeout(evaluateForm, 250);
}

async function evaluateForm() {
  const counter = ++state.tryCounter;
  try {
    const reply = await api('/v1/try', clientDocument());
    if (counter !== state.tryCounter) return; /* a newer request is on its way */
    state.lastResult = reply.result;
    renderResult(reply.result);
    $('brief-text').textContent = reply.brief;
    if (!$('view-try').hidden)
      setStatus('Brief updated: ' + reply.result.summary.rules_fired + ' of ' +
        reply.result.summary.rules_total + ' rules fired.');
  } catch (e) {
    if (counter !== state.tryCounter) return;
    $('result').replaceChildren(el('p', { class: 'verdict bad', role: 'alert' }, e.message));
    setStatus(e.message, true);
  }
}

function whyButton(label, rules) {
  return el('button', { type: 'button', 'data-rules': rules.join(' '),
    'aria-label': 'Why? ' + label, onclick: () => explainRules(rules, label) }, 'Why?');
}

/* Result format 3.0 refers to rules and facts by their index in its tables. */
function ruleId(res, ref) { return typeof ref === 'number' ? res.rules[ref].id : ref; }

function renderResult(res) {
  const box = $('result');
  box.replaceChildren();
  const reasonRules = item => (item.reasons || []).map(r => ruleId(res, r.rule));
  const sevOrder = { critical: 0, warning: 1, info: 2 };
  const risks = [...res.risks].sort((a, b) => sevOrder[a.severity] - sevOrder[b.severity]);
  box.append(el('h4', {}, 'Risks (' + risks.length + ')'));
  box.append(risks.length ? el('ul', { class: 'items', id: 'risks' }, risks.map(r => el('li', { 'data-id': r.id },
    severityBadge(r.severity), r.label, ' ', whyButton(r.label, reasonRules(r))))) : el('p', {}, 'No risk flagged.'));
  box.append(el('h4', {}, 'Recommendations (' + res.recommendations.length + ')'));
  box.append(res.recommendations.length ? el('ul', { class: 'items', id: 'recommendations' }, res.recommendations.map(r =>
    el('li', { 'data-id': r.id }, priorityBadge(r.priority), r.label, ' ', whyButton(r.label, reasonRules(r)),
      r.reasons && r.reasons[0] && r.reasons[0].because ? el('div', { class: 'hint' }, r.reasons[0].because) : null)))
    : el('p', {}, 'Nothing recommended yet.'));
  const st = res.stage;
  box.append(el('h4', {}, 'Stage'));
  const chosen = (st.candidates || []).find(c => c.chosen);
  box.append(el('p', { id: 'stage-verdict' },
    'Current: ', el('strong', {}, st.current || 'unknown'), '; suggested: ', el('strong', {}, st.suggested || 'unknown'),
    ' (' + (st.direction || 'no verdict') + ')', st.provisional ? ' \u2014 provisional: undecided rules could change it' : '', ' ',
    chosen ? whyButton('stage ' + chosen.stage, reasonRules(chosen)) : null));
  if (st.candidates && st.candidates.length > 1)
    box.append(el('ul', {}, st.candidates.map(c => el('li', {}, (c.chosen ? 'chosen: ' : 'also proposed: ') + c.stage +
      ' (' + c.direction + ') ', whyButton('stage ' + c.stage, reasonRules(c))))));
  box.append(el('h4', {}, 'Challenges (' + res.challenges.length + ')'));
  box.append(el('ul', { class: 'items' }, res.challenges.map(c => el('li', {}, c.label, ' ', whyButton(c.label, reasonRules(c))))));
  box.append(el('h4', {}, 'Advice (' + res.advice.length + ')'));
  box.append(el('ul', { class: 'items' }, res.advice.map(a => el('li', {}, a.label, ' ', whyButton(a.label, reasonRules(a))))));
  const gaps = [...res.data_gaps].sort((a, b) => a.rank - b.rank).map(g => {
    const f = typeof g.fact === 'number' ? res.facts[g.fact] : { name: g.fact, label: g.label };
    return { ...g, fact: f.name, label: f.label };
  });
  box.append(el('h4', {}, 'Ask next'));
  box.append(gaps.length ? el('ol', { id: 'questions' }, gaps.slice(0, 5).map(g => el('li', {},
    el('a', { href: '#row-' + g.fact, onclick: ev => { ev.preventDefault(); focusFact(g.fact); } }, g.label),
    g.would_decide && g.would_decide.risk ? ' (could decide a ' + g.would_decide.risk + ' risk)' : '')))
    : el('p', {}, 'No missing fact leaves a rule undecided.'));
  if (gaps.length > 5) box.append(el('p', { class: 'hint' }, (gaps.length - 5) + ' more missing facts leave rules undecided.'));
  markQuestions(gaps);
}

function focusFact(name) {
  const target = $('f-' + name) || $('f-' + name + '--unknown');
  if (target) { target.scrollIntoView({ block: 'center' }); target.focus(); }
}

/* Highlights the questions to ask next in the form, in words as well as colour. */
function markQuestions(gaps) {
  document.querySelectorAll('.fact.ask').forEach(row => row.classList.remove('ask'));
  document.querySelectorAll('.ask-note').forEach(n => { n.textContent = ''; });
  gaps.slice(0, 5).forEach((g, i) => {
    const row = $('row-' + g.fact);
    if (!row) return;
    row.classList.add('ask');
    $('ask-' + g.fact).textContent = 'Ask next (' + (i + 1) + ')';
  });
}

/* ---- explanations ---- */

function conditionTree(node) {
  const showValue = node.value !== undefined && node.value !== node.truth;
  return el('li', {}, truthBadge(node.truth), el('code', {}, node.text),
    showValue ? el('span', {}, ' = ', el('strong', {}, node.value)) : null,
    node.children && node.children.length ? el('ul', { class: 'tree' }, node.children.map(conditionTree)) : null);
}

function blockerList(blockers) {
  return el('ul', {}, blockers.map(b => el('li', {}, truthBadge(b.truth), el('code', {}, b.text), ': ',
    b.actual, '; needs ', el('strong', {}, b.needs), b.any_of ? ' (any one of these would do)' : '',
    b.parts && b.parts.length ? blockerList(b.parts) : null)));
}

function ruleExplanation(r) {
  return el('article', { class: 'explained', 'data-rule': r.rule },
    el('h4', {}, r.title, ' ', el('span', { class: 'hint' }, '(' + r.rule + ', ' + r.at + ', ' + r.status + ')')),
    el('p', {}, 'Outcome: ', el('strong', {}, r.outcome), ' ', truthBadge(r.truth)),
    el('ul', { class: 'tree root' }, conditionTree(r.condition)),
    r.blockers && r.blockers.length ? [el('h5', {}, 'What stood in the way'), blockerList(r.blockers)] : null,
    r.facts && r.facts.length ? el('table', {}, el('caption', {}, 'Facts read'),
      el('tr', {}, el('th', { scope: 'col' }, 'Fact'), el('th', { scope: 'col' }, 'Value')),
      r.facts.map(f => el('tr', {}, el('td', {}, f.label, ' ', el('span', { class: 'name' }, f.fact)),
        el('td', {}, f.known ? f.value : 'unknown', f.derived ? ' (derived)' : '')))) : null,
    r.actions && r.actions.length ? [el('h5', {}, 'Actions'), el('ul', {}, r.actions.map(a => el('li', {}, el('code', {}, a))))] : null,
    r.because && r.because.length ? el('p', {}, 'Because: ', r.because.join(' \u00b7 ')) : null,
    el('h5', {}, 'Citations'), citationList(r.citations),
    el('p', {}, el('a', { href: '#rule/' + encodeURIComponent(r.rule) }, 'This rule in the guidance')));
}

function showExplanation(title, parts) {
  const box = $('explanation-body');
  box.replaceChildren(el('h4', { id: 'explanation-subject' }, title), ...[parts].flat(2));
  $('explanation').focus();
}

async function explainRules(rules, label) {
  try {
    const doc = clientDocument();
    const replies = await Promise.all(rules.map(r => api('/v1/explain/' + encodeURIComponent(r), doc)));
    showExplanation('Why: ' + label, replies.flatMap(x => x.rules).map(ruleExplanation));
  } catch (e) { setStatus(e.message, true); }
}

async function whyNot(question) {
  try {
    const x = await api('/v1/why-not/' + encodeURIComponent(question), clientDocument());
    const q = x.question || {};
    showExplanation('Why not: ' + (q.label || question),
      [el('p', { id: 'whynot-answer', class: 'verdict note' }, q.answer || ''), x.rules.map(ruleExplanation)]);
  } catch (e) { setStatus(e.message, true); }
}

/* ---- the guidance ---- */

function ruleLink(r) {
  return el('li', {}, el('a', { href: '#rule/' + encodeURIComponent(r.id) }, r.title), ' ',
    el('span', { class: 'hint' }, '(' + r.id + ', ' + r.status + ')'));
}

function filteredRules() {
  const q = $('rule-filter').value.trim().toLowerCase();
  if (!q) return state.rules.rules;
  return state.rules.rules.filter(r => (r.id + ' ' + r.title + ' ' + r.text).toLowerCase().includes(q));
}

/* The DCB0129 scales in words, with the rating they give. */
function riskText(r) {
  return 'risk ' + r.rating + ' (severity ' + r.severity.replace(/_/g, ' ') + ', likelihood ' +
    r.likelihood.replace(/_/g, ' ') + ')';
}

function controlText(c) {
  return 'fires in ' + c.fires_in + ', does not fire in ' + c.does_not_fire_in + ' evidence scenarios' +
    (!c.fires_in ? ': NOT SHOWN FIRING' : !c.does_not_fire_in ? ': NOT SHOWN NOT FIRING' : '');
}

function hazardsFor(ruleId) {
  return state.hazards ? state.hazards.hazards.filter(h => h.controls.some(c => c.rule === ruleId)) : [];
}

function renderHazards(box) {
  if (!state.hazards) {
    box.append(el('p', { id: 'hazards-none' }, state.hazardsNote || 'Loading the hazard log\u2026'));
    return;
  }
  const log = state.hazards, sum = log.summary;
  box.append(el('p', { id: 'hazards-summary', class: 'verdict ' + (sum.not_evidenced ? 'bad' : 'good') },
    sum.hazards + ' hazards: ' + sum.evidenced + ' controlled and evidenced, ' + sum.not_evidenced + ' not.'),
  el('p', { class: 'hint' }, 'Risk is the DCB0129 rating from 1 (acceptable) to 5 (unacceptable). ' +
    'A control is evidenced when a passing scenario shows it firing and another shows it not firing.'),
  el('table', { id: 'hazards-table' }, el('caption', {}, 'The clinical hazard log'),
    el('tr', {}, ['Hazard', 'Title', 'Initial', 'Residual', 'Status', 'Controls', 'Evidence', 'Evidenced']
      .map(h => el('th', { scope: 'col' }, h))),
    log.hazards.map(h => el('tr', { id: 'hazard-' + h.id },
      el('th', { scope: 'row' }, h.id),
      el('td', {}, el('details', {}, el('summary', {}, h.title),
        el('p', {}, el('strong', {}, 'Cause: '), h.cause), el('p', {}, el('strong', {}, 'Effect: '), h.effect),
        el('p', {}, el('strong', {}, 'Harm: '), h.harm), el('p', { class: 'hint' }, 'Written at ' + h.at))),
      el('td', {}, riskText(h.initial), el('br'), el('span', { class: 'hint' }, h.initial.acceptability)),
      el('td', {}, riskText(h.residual), el('br'), el('span', { class: 'hint' }, h.residual.acceptability)),
      el('td', {}, h.status),
      el('td', {}, h.controls.length ? el('ul', {}, h.controls.map(c => el('li', {},
        el('a', { href: '#rule/' + encodeURIComponent(c.rule) }, c.rule), ': ', controlText(c))))
        : 'NONE: no rule controls this hazard'),
      el('td', {}, h.evidence.length + ' scenarios' +
        (h.failing_evidence ? ', ' + h.failing_evidence + ' FAILING (not evidence)' : ''),
        el('details', {}, el('summary', {}, 'List'), el('ul', {}, h.evidence.map(e => el('li', {}, e))))),
      el('td', { class: h.evidenced ? 'evidenced' : 'not-evidenced' },
        h.evidenced ? 'Yes: controlled and evidenced' : 'NO: not evidenced')))));
}

/* The hazard log is judged by the server on each request (every scenario run), so
 * it is fetched only when a page that shows it is opened, and then kept. */
async function loadHazards() {
  if (state.hazards || state.hazardsNote) return;
  try {
    state.hazards = await api('/v1/hazards');
  } catch (e) {
    state.hazards = null;
    state.hazardsNote = e.status === 404 ? 'This server shows no hazard log (start it with --hazards FILE).'
      : 'The hazard log could not be shown: ' + e.message;
  }
}

function renderGuidance() {
  const box = $('guidance-body');
  box.replaceChildren();
  if (!state.rules || !state.schema) return;
  const rules = filteredRules();
  $('by-stage').setAttribute('aria-pressed', String(state.guidanceMode === 'stage'));
  $('by-document').setAttribute('aria-pressed', String(state.guidanceMode === 'document'));
  $('by-hazard').setAttribute('aria-pressed', String(state.guidanceMode === 'hazards'));
  if (state.guidanceMode === 'hazards') { renderHazards(box); return; }
  box.append(el('p', {}, rules.length + ' of ' + state.rules.rules.length + ' rules; ' +
    state.rules.scenarios + ' scenarios loaded.'));
  if (state.guidanceMode === 'stage') {
    const n = state.schema.stages.length;
    for (const s of state.schema.stages) {
      const here = rules.filter(r => r.stages && r.stages.includes(s.id) && r.stages.length < n);
      box.append(el('section', { id: 'stage-' + s.id }, el('h3', {}, s.title || s.id),
        s.goal ? el('p', {}, 'Goal: ' + s.goal) : null,
        el('p', { class: 'hint' }, here.length + ' rules can fire at this stage but not at every stage'),
        el('ul', { class: 'rules-list' }, here.map(ruleLink))));
    }
    const every = rules.filter(r => !r.stages || r.stages.length === n);
    box.append(el('section', {}, el('h3', {}, 'At every stage'), el('ul', { class: 'rules-list' }, every.map(ruleLink))));
    return;
  }
  for (const src of state.schema.sources) {
    box.append(el('section', { id: 'source-' + src.id }, el('h3', {}, src.id + ': ' + (src.title || '')),
      src.file ? el('p', { class: 'hint' }, 'Document ' + src.file) : null,
      src.statements.map(st => {
        const encoding = rules.filter(r => r.citations.some(c => c.source === src.id && c.statement === st.id));
        return el('div', { class: 'statement' + (encoding.length || st.excused ? '' : ' uncovered') },
          el('p', {}, el('strong', {}, st.id), st.section ? ' \u00b7 ' + st.section : '', ': ', st.text),
          encoding.length ? el('ul', { class: 'rules-list' }, encoding.map(ruleLink))
            : el('p', {}, st.excused ? 'Excused: ' + st.excused : 'Not encoded by any rule.'));
      })));
  }
}

function renderRule(id) {
  const box = $('rule-body');
  const r = state.byId.get(id);
  if (!r) { box.replaceChildren(el('p', {}, 'There is no rule ' + id + '.')); return; }
  $('rule-title').textContent = 'Rule: ' + r.title;
  const meta = [['Identifier', r.id], ['Written in', r.file + ':' + r.line], ['Status', r.status],
    ['Author', r.author || 'not given'], ['Reviewer', r.reviewer || 'not given'],
    ['Version', r.version || 'not given'], ['Reviewed', r.reviewed || 'not given'],
    ['Can fire at', r.stages ? (r.stages.length ? r.stages.join(', ') : 'no stage') : 'any stage']];
  box.replaceChildren(
    el('table', {}, el('caption', {}, 'Metadata'), meta.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, v)))),
    el('h3', {}, 'Source text'), el('pre', { id: 'rule-source' }, r.text),
    el('h3', {}, 'Citations'), citationList(r.citations),
    el('h3', {}, 'Scenarios (' + r.scenarios.length + ')'),
    r.scenarios.length ? el('ul', {}, r.scenarios.map(s => el('li', {}, el('strong', {}, s.name), ' ',
      el('span', { class: 'hint' }, s.file + ':' + s.line), ': ', s.fired ? 'fires' : 'does not fire',
      s.expects ? ' (expects ' + s.expects.replace(/_/g, ' ') + ')' : '', s.description ? ' \u2014 ' + s.description : '')))
      : el('p', {}, 'No scenario fires this rule or names it.'),
    el('h3', {}, 'Hazards it controls'),
    hazardsFor(r.id).length ? el('ul', { id: 'rule-hazards' }, hazardsFor(r.id).map(h => el('li', {},
      el('strong', {}, h.id), ' ', h.title, ': ', controlText(h.controls.find(c => c.rule === r.id)))))
      : el('p', {}, state.hazards ? 'No hazard of the log names this rule as a control.' : (state.hazardsNote || 'Loading the hazard log\u2026')),
    el('p', {}, el('a', { href: '#guidance' }, 'Back to the guidance')));
}

/* ---- a decision ---- */

function outcomeSummary(res) {
  if (!res) return el('p', {}, 'The record holds no result.');
  return el('div', {},
    el('p', {}, 'Stage: ', el('strong', {}, (res.stage && res.stage.current) || 'unknown'), ' \u2192 ',
      el('strong', {}, (res.stage && res.stage.suggested) || 'unknown'), ' (' + ((res.stage && res.stage.direction) || 'no verdict') + ')'),
    el('h4', {}, 'Risks'), el('ul', { class: 'items' }, (res.risks || []).map(r => el('li', {}, severityBadge(r.severity), r.label))),
    el('h4', {}, 'Recommendations'), el('ul', { class: 'items' }, (res.recommendations || []).map(r => el('li', {}, priorityBadge(r.priority), r.label))));
}

function renderDecision(d) {
  const rec = d.record || {};
  const c = d.chain;
  const chainText = c.decision_verified
    ? (c.state === 'intact' ? (c.scope === 'neighbours'
      ? 'This record (number ' + d.line + ' in the decision store) matches its hash, and the records before and after it are chained to it. The whole store is verified with stagewise audit verify.'
      : 'The chain verifies: every record of the log, this one (line ' + d.line + ') among them, matches its hash and its predecessor.')
      : 'This record (line ' + d.line + ') verifies, but the log has a problem after it: ' + c.message)
    : 'This record does NOT verify: ' + c.message;
  const rp = d.replay;
  let replayPart;
  if (rp.error) replayPart = el('p', { class: 'verdict bad' }, 'The record could not be replayed: ' + rp.error);
  else if (rp.state === 'identical') replayPart = el('p', { class: 'verdict good', id: 'replay-verdict' }, 'Replayed against the current rules: identical.');
  else if (rp.state === 'rules_differ') replayPart = el('p', { class: 'verdict note', id: 'replay-verdict' },
    'Not replayed: the record was made with rule set ' + rp.recorded_ruleset_sha256 + ', the server now serves ' + rp.ruleset_sha256 + '.');
  else replayPart = [el('p', { class: 'verdict note', id: 'replay-verdict' }, 'Replayed against the current rules: ' + rp.differences.length + ' differences.'),
    el('table', {}, el('tr', {}, ['Field', 'Recorded', 'Now'].map(h => el('th', { scope: 'col' }, h))),
      rp.differences.map(x => el('tr', {}, el('td', {}, el('code', {}, x.path)), el('td', {}, x.recorded || 'absent'), el('td', {}, x.replayed || 'absent'))))];
  const facts = (rec.input && rec.input.facts) || {};
  const known = Object.entries(facts).filter(([, v]) => v !== null);
  const unknown = Object.entries(facts).filter(([, v]) => v === null).map(([k]) => k);
  $('decision-body').replaceChildren(...[
    el('h3', {}, 'Decision ' + d.decision_id),
    el('table', {}, [['Recorded', rec.timestamp], ['Rule set', rec.guideline + ' ' + rec.guideline_version + ' (' + rec.ruleset_sha256 + ')'],
      ['Engine', rec.engine_version], ['Client', rec.client || 'not recorded'], ['Assessed on', (rec.input && rec.input.assessed_on) || 'not given'],
      ['Log line', String(d.line)], ['Sequence number', String(rec.seq)], ['Previous record\u2019s hash', rec.prev],
      ['This record\u2019s hash', rec.hash]].map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, v)))),
    el('h3', {}, 'The chain'), el('p', { class: 'verdict ' + (c.decision_verified ? (c.state === 'intact' ? 'good' : 'note') : 'bad'), id: 'chain-verdict' }, chainText),
    rp.hash_ok === false ? el('p', { class: 'verdict bad' }, 'The record does not match its own hash: it was changed after it was written.') : null,
    el('h3', {}, 'Replay'), replayPart,
    el('h3', {}, 'Outcome'), outcomeSummary(rec.result),
    el('h3', {}, 'Facts (' + known.length + ' recorded, ' + unknown.length + ' unknown)'),
    el('table', {}, el('tr', {}, el('th', { scope: 'col' }, 'Fact'), el('th', { scope: 'col' }, 'Value')),
      known.map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, Array.isArray(v) ? (v.length ? v.join(', ') : 'none') : String(v))))),
    unknown.length ? el('p', { class: 'hint' }, 'Unknown: ' + unknown.join(', ')) : null].flat().filter(Boolean));
}

async function openDecision(id) {
  $('decision-id').value = id;
  $('decision-body').replaceChildren(el('p', {}, 'Opening ' + id + '\u2026'));
  try {
    renderDecision(await api('/v1/decisions/' + encodeURIComponent(id)));
    setStatus('Decision ' + id + ' opened.');
  } catch (e) {
    $('decision-body').replaceChildren(el('p', { class: 'verdict bad', role: 'alert' }, e.message));
    setStatus(e.message, true);
  }
}

/* ---- loading and routing ---- */

async function load() {
  try {
    state.schema = await api('/v1/schema');
    $('ruleset').textContent = state.schema.guideline + ' ' + state.schema.version;
    buildForm(state.schema);
    state.rules = await api('/v1/rules');
    state.byId = new Map(state.rules.rules.map(r => [r.id, r]));
    state.hazards = null;
    state.hazardsNote = '';
    fillRuleSelect();
    setStatus('Rules loaded: ' + state.rules.rules.length + ' rules.');
    route();
    evaluateForm();
  } catch (e) { setStatus(e.message, true); }
}

function showView(name) {
  if (name !== 'try') setStatus('');
  for (const v of ['try', 'guidance', 'rule', 'decision']) $('view-' + v).hidden = v !== name;
  for (const v of ['try', 'guidance', 'decision'])
    if (v === name || (name === 'rule' && v === 'guidance')) $('nav-' + v).setAttribute('aria-current', 'page');
    else $('nav-' + v).removeAttribute('aria-current');
}

function route() {
  const hash = decodeURIComponent(location.hash.slice(1));
  if (hash.startsWith('rule/')) {
    showView('rule');
    if (state.rules) { renderRule(hash.slice(5)); loadHazards().then(() => renderRule(hash.slice(5))); }
  }
  else if (hash === 'guidance') { showView('guidance'); renderGuidance(); }
  else if (hash.startsWith('decision')) {
    showView('decision');
    const id = hash.slice('decision/'.length);
    if (hash.startsWith('decision/') && id && state.schema) openDecision(id);
  } else showView('try');
}

document.addEventListener('DOMContentLoaded', () => {
  $('token').value = token();
  $('token-form').addEventListener('submit', ev => {
    ev.preventDefault();
    sessionStorage.setItem('stagewise-token', $('token').value.trim());
    load();
  });
  $('client-form').addEventListener('submit', ev => ev.preventDefault());
  $('f--client').addEventListener('input', changed);
  $('f--assessed_on').addEventListener('change', changed);
  $('whynot-form').addEventListener('submit', ev => { ev.preventDefault(); whyNot($('whynot-target').value); });
  $('rule-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const id = $('rule-target').value;
    explainRules([id], (state.byId.get(id) || { title: id }).title);
  });
  $('by-stage').addEventListener('click', () => { state.guidanceMode = 'stage'; renderGuidance(); });
  $('by-document').addEventListener('click', () => { state.guidanceMode = 'document'; renderGuidance(); });
  $('by-hazard').addEventListener('click', async () => {
    state.guidanceMode = 'hazards';
    renderGuidance();
    await loadHazards();
    renderGuidance();
  });
  $('rule-filter').addEventListener('input', renderGuidance);
  $('decision-form').addEventListener('submit', ev => {
    ev.preventDefault();
    location.hash = 'decision/' + encodeURIComponent($('decision-id').value.trim());
  });
  window.addEventListener('hashchange', route);
  route();
  load();
});
