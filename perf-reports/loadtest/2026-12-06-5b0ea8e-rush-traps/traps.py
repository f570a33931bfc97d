import re,sys
txt=open(sys.argv[1],errors='replace').read()
lo=float(sys.argv[2]); hi=float(sys.argv[3])
n=0
for m in re.finditer(r"<uncommon_trap thread='\d+' reason='([^']+)' action='([^']+)'[^>]*?stamp='([\d.]+)'[^>]*>(.*?)</uncommon_trap>", txt, re.S):
    st=float(m.group(3))
    if st<lo or st>hi: continue
    n+=1
    j=re.findall(r"<jvms bci='(\d+)' method='([^']+)'", m.group(4))
    print("%.2f %s %s %s"%(st,m.group(1),m.group(2),"; ".join("%s@%s"%(a.split()[0].split('.')[-1]+'.'+a.split()[1],b) for b,a in j[:3])))
print(n)
