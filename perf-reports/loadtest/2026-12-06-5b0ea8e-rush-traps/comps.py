import re,sys
txt=open(sys.argv[1],errors='replace').read()
lo=float(sys.argv[2]); hi=float(sys.argv[3])
tot=0; rows=[]
for m in re.finditer(r"<task compile_id='(\d+)'(?: compile_kind='(\w+)')? method='([^']+)'[^>]*?(?:level='(\d)')?[^>]*stamp='([\d.]+)'>.*?<task_done[^>]*stamp='([\d.]+)'", txt, re.S):
    a=float(m.group(5)); b=float(m.group(6))
    if a<lo or a>hi: continue
    rows.append((b-a,m.group(3),m.group(4),m.group(2)))
    tot+=b-a
rows.sort(reverse=True)
print("compiles",len(rows),"wall s",round(tot,2))
for r in rows[:25]: print("%.3f %s L%s %s"%r)
