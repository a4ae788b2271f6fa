# Converts the instant evals of a PromQL golden script (testdata/*.test) into a promtool rule unit test and runs
# `promtool test rules` on it, printing the cases where Prometheus disagrees. Usage: python3 to-promtool.py selectors.test
import re, sys, json, subprocess, os
def parse(path):
    lines = open(path).read().split("\n")
    loads=[]; evals=[]; i=0; db=0
    while i < len(lines):
        line=lines[i]
        if not line.strip() or line.strip().startswith('#'): i+=1; continue
        body=[]
        while i+1<len(lines) and re.match(r'^\s+\S', lines[i+1]) and not lines[i+1].strip().startswith('#'):
            i+=1; body.append(lines[i].strip())
        if line=='clear': db+=1
        elif line.startswith('load'): loads.append((db, line.split()[1], body))
        else:
            m=re.match(r'^eval(_ordered)?\s+instant\s+at\s+(\S+)\s+(.*)$', line)
            if m: evals.append((db, i+1-len(body), m.group(2), m.group(3), body))
        i+=1
    return loads, evals
def labels_of(l):
    m=re.match(r'^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?(\{[^}]*\})?\s*(.*)$', l)
    return (m.group(1) or '')+(m.group(2) or '{}'), m.group(3)
def fv(v):
    v=v.strip()
    return {'NaN':'.nan','+Inf':'.inf','Inf':'.inf','-Inf':'-.inf'}.get(v, v)
def dump(o, ind=0):
    p='  '*ind
    if isinstance(o, dict):
        return ''.join(f"{p}{k}:" + ('\n'+dump(v,ind+1) if isinstance(v,(dict,list)) and v else ' '+scal(v)+'\n') for k,v in o.items())
    if isinstance(o, list):
        out=''
        for x in o:
            d=dump(x, ind+1)
            out+=p+'- '+d.lstrip()
        return out
def scal(v):
    if isinstance(v, list): return '[]'
    if isinstance(v,str) and (v.startswith('.') or v.startswith('-.') or re.match(r'^-?[0-9.e+-]+$', v)): return v
    return json.dumps(v)
path=sys.argv[1]
loads, evals = parse(path)
tests=[]
for db,(interval) in [(d,iv) for d,iv,_ in loads]:
    pass
bydb={}
for d,iv,body in loads: bydb[d]=(iv, body)
for d,line,at,expr,body in evals:
    if d not in bydb: continue
    iv, series = bydb[d]
    inp=[]
    for s in series:
        ls, vals = labels_of(s)
        inp.append({'series': ls, 'values': vals})
    exp=[]
    scalar=None
    for b in body:
        ls, v = labels_of(b)
        if ls=='{}' and v=='' : continue
        if re.match(r'^[-+0-9.eEInfNa]+$', b.strip()) and '{' not in b and not re.match(r'^[a-zA-Z_]', b.strip()[0:1] or '0') or b.strip() in ('NaN','+Inf','-Inf','Inf'):
            exp.append({'labels':'{}', 'value': fv(b.strip())}); continue
        exp.append({'labels': ls, 'value': fv(v)})
    tests.append({'interval': iv, 'input_series': inp, 'promql_expr_test':[{'expr': expr, 'eval_time': at, 'exp_samples': exp}], 'name': f'line {line}'})
open('/tmp/pq/t.yml','w').write(dump({'tests': tests}))
r=subprocess.run(['promtool','test','rules','/tmp/pq/t.yml'],capture_output=True,text=True)
print(r.stdout[-6000:], r.stderr[-6000:])
