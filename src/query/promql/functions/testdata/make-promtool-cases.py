import json, subprocess, re, sys
series = [
  ('ctr{job="a"}', '0+10x40'),
  ('ctr{job="b"}', '5 15 25 2 12 22 32 1 11 21 31 41 51 61 71 81 91 101 111 121 131 141 151 161 171'),
  ('gauge{job="a"}', '1 5 -3 2 8 8 4 -1 0 3 7 2 2 9 -4 6 1 1 5 3 2 8 -6 4 4'),
  ('gauge{job="b"}', '100 90 85 70 72 60 55 50 48 40 35 30 20 15 10 5 0 -5 -10 -20 -22 -30 -31 -40 -45'),
  ('sparse{job="a"}', '1 _ _ 4 _ _ 9 _ _ 16 _ _ 25 _ _ 36 _ _ 49 _ _ 64'),
  ('late{job="a"}', '_x18 3 7 12 20'),
  ('frac{job="a"}', '0.25 -1.5 2.5 -2.5 0.5 1.49999 7.3 -0.7 12.5 1e-3 -0 3.75 100.1 2 2 2 2 2 2 2 2 2 2 2 2'),
  ('nans{job="a"}', '1 NaN 3 NaN 5 NaN NaN 2 2 NaN 4 4 4 4 4 4 4 4 4 4 4 4 4 4 4'),
  ('hist_bucket{le="0.1",job="a"}', '0+1x24'),
  ('hist_bucket{le="0.5",job="a"}', '0+3x24'),
  ('hist_bucket{le="1",job="a"}', '0+4x24'),
  ('hist_bucket{le="+Inf",job="a"}', '0+5x24'),
  ('hist_bucket{le="0.1",job="b"}', '0+0x24'),
  ('hist_bucket{le="0.5",job="b"}', '0+0x24'),
  ('hist_bucket{le="1",job="b"}', '0+2x24'),
  ('hist_bucket{le="+Inf",job="b"}', '0+2x24'),
  ('nonmono_bucket{le="1"}', '0+5x24'),
  ('nonmono_bucket{le="2"}', '0+3x24'),
  ('nonmono_bucket{le="4"}', '0+7x24'),
  ('nonmono_bucket{le="+Inf"}', '0+8x24'),
  ('noinf_bucket{le="1"}', '0+5x24'),
  ('noinf_bucket{le="2"}', '0+6x24'),
  ('neg_bucket{le="-1"}', '0+2x24'),
  ('neg_bucket{le="0"}', '0+3x24'),
  ('neg_bucket{le="1"}', '0+4x24'),
  ('neg_bucket{le="+Inf"}', '0+4x24'),
  ('info{src="host-1:8080",name="x"}', '1x24'),
  ('info{src="db.example:5432",name="y"}', '2x24'),
  ('ts{job="a"}', '1700000000 0 951782400 4102444799 -86400 1709164800 1.5 1e10 1704067199 1735689600 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21'),
]
T = '307s'
R = ['ctr', 'gauge', 'sparse', 'late', 'nans']
exprs = []
def add(e, t=T): exprs.append((e, t))
for rng in ['1m', '2m', '5m']:
  for m in ['ctr', 'gauge', 'sparse', 'late']:
    for f in ['rate', 'increase', 'delta', 'irate', 'idelta', 'deriv', 'resets', 'changes']:
      add(f'{f}({m}[{rng}])')
    add(f'predict_linear({m}[{rng}], 60)')
    add(f'predict_linear({m}[{rng}], -30.5)')
for m in ['gauge', 'nans', 'frac', 'sparse']:
  for f in ['avg', 'min', 'max', 'sum', 'count', 'stddev', 'stdvar', 'last', 'present']:
    add(f'{f}_over_time({m}[2m])')
  for q in ['0', '0.3', '0.5', '0.99', '1', '-1', '2']:
    add(f'quantile_over_time({q}, {m}[2m])')
  add(f'holt_winters({m}[2m], 0.5, 0.3)')
  add(f'holt_winters({m}[5m], 0.1, 0.9)')
add('changes(nans[2m])')
add('resets(nans[5m])')
add('absent_over_time(nonexistent{job="x",env="prod"}[1m])')
add('absent_over_time(ctr[1m])')
add('absent(nonexistent{job="x"})')
add('absent(ctr)')
for f in ['abs','ceil','floor','round','sqrt','exp','ln','log2','log10','sgn','sin','cos','tan','asin','acos','atan','sinh','cosh','tanh','asinh','acosh','atanh','deg','rad','timestamp']:
  for t in ['0s', '15s', '30s', '45s', '60s', '75s', '90s', '105s', '120s', '150s', '165s', '180s']:
    add(f'{f}(frac)', t)
  add(f'{f}(gauge)', T)
for t in ['0s', '30s', '45s', '75s', '90s', '120s', '135s', '180s']:
  add('round(frac, 0.5)', t)
  add('round(frac, 3)', t)
  add('clamp(frac, -1, 1)', t)
  add('clamp_min(frac, 0.3)', t)
  add('clamp_max(frac, 0.3)', t)
add('clamp(gauge, 5, 1)')
add('timestamp(sparse)', '100s')
add('vector(3.5)')
add('scalar(ctr)')
add('scalar(ctr{job="a"})')
add('time()')
add('pi()')
for f in ['day_of_month','day_of_week','day_of_year','days_in_month','hour','minute','month','year']:
  for t in ['0s', '15s', '30s', '45s', '60s', '75s', '90s', '105s', '120s', '135s']:
    add(f'{f}(ts)', t)
  add(f'{f}()', '1000s')
for q in ['0', '0.25', '0.5', '0.9', '0.99', '1', '-0.5', '1.5']:
  for h in ['hist_bucket', 'nonmono_bucket', 'noinf_bucket', 'neg_bucket']:
    add(f'histogram_quantile({q}, rate({h}[1m]))')
add('histogram_quantile(0.5, hist_bucket)')
add('histogram_quantile(0.75, neg_bucket)')
add('label_replace(info, "port", "$2", "src", "(.*):(.*)")')
add('label_replace(info, "host", "${1}_x", "src", "([a-z]+)-.*")')
add('label_replace(info, "name", "", "src", ".*")')
add('label_replace(info, "d", "$1$$$name", "src", "(?P<name>[^.]+)\\\\..*")')
add('label_replace(info, "e", "$1x", "src", "(h.*)")')
add('label_replace(info, "f", "[$0]", "name", "x|y")')
add('label_join(info, "j", "-", "name", "src", "missing")')
add('label_join(info, "name", ",")')
add('sort(gauge)')
add('sort_desc(gauge)')

def yaml_doc(exp):
  out = ['evaluation_interval: 1m', 'tests:', '  - interval: 15s', '    input_series:']
  for s, v in series:
    out.append(f"      - series: '{s}'")
    out.append(f"        values: '{v}'")
  out.append('    promql_expr_test:')
  for i, (e, t) in enumerate(exprs):
    if any(v == 'NaN' for _, v in exp.get(i, [])): continue
    out.append(f"      - expr: {json.dumps(e)}")
    out.append(f"        eval_time: {t}")
    out.append("        exp_samples:")
    for lbl, val in exp.get(i, [('{__dummy__="1"}', '0')]):
      out.append(f"          - labels: {json.dumps(lbl)}")
      yv = {'NaN': '.nan', '+Inf': '.inf', '-Inf': '-.inf'}.get(val, val)
      out.append(f"            value: {yv}")
  return '\n'.join(out) + '\n'

open('probe.yml','w').write(yaml_doc({}))
p = subprocess.run(['promtool','test','rules','probe.yml'], capture_output=True, text=True)
txt = p.stdout + p.stderr
blocks = re.split(r'\n\s*expr: ', txt)
got = {}
samp = re.compile(r'(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\}) (\S+?)(?:,|$)')
for b in blocks[1:]:
  m = re.match(r'(".*?"), time: (\S+),\n\s*exp: .*\n\s*got: (.*)', b)
  if not m:
    print('UNPARSED', b[:300]); continue
  e = json.loads(m.group(1)); gl = m.group(3).strip()
  key = e
  lst = [] if gl == 'nil' else [(a, v) for a, v in samp.findall(gl)]
  got.setdefault(key, []).append((m.group(2), lst))
exp = {}
cases = []
counters = {}
for i, (e, t) in enumerate(exprs):
  k = counters.get(e, 0); counters[e] = k + 1
  r = got[e][k]
  exp[i] = r[1]
  cases.append({'expr': e, 'evalTime': t, 'want': [{'labels': a, 'value': v} for a, v in r[1]]})
open('final.yml','w').write(yaml_doc(exp).replace('exp_samples:\n      - expr', 'exp_samples: []\n      - expr'))
json.dump({'series': [{'series': s, 'values': v} for s, v in series], 'intervalMs': 15000, 'cases': cases}, open('cases.json','w'), indent=1)
print(len(cases))
