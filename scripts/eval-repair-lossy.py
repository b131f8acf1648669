#!/usr/bin/env python3
"""What Python's lossy double-byte decoding leaves to restore.

Python's CJK codecs decoding with errors="replace" (tools that must not
fail do) write one U+FFFD per rejected lead byte and resynchronise on the
next byte, so every other byte of the line survives in order. This checks
that on real lines and counts what is gone: for each family, the lines in
which every U+FFFD stands for exactly one lost byte (re-encoding the damage
through the reading codec, U+FFFD as one unknown byte, gives the written
bytes but for the unknown ones), the bytes lost, and the characters that
lost a byte (nothing can restore them but a guess; the rest can be
realigned). No canon binary is run.

Lines: the sample of scripts/eval-repair-debian.py, written with its
`--lines FILE`.

Usage:
    python3 scripts/eval-repair-debian.py --lines /tmp/debian-lines.txt
    python3 scripts/eval-repair-lossy.py /tmp/debian-lines.txt
"""
import sys
import re
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l]
HAN=re.compile(r'[\u4e00-\u9fff]')
fams=[("utf8_as_big5","utf-8","big5"),("big5_as_gbk","big5","gbk"),("gbk_as_big5","gbk","big5"),("utf8_as_gbk","utf-8","gbk"),("utf8_as_gb18030","utf-8","gb18030")]
for name,w,r in fams:
    n = aligned = whole = lost_hanzi = hanzi = lost_bytes = 0
    for l in lines:
        try: b=l.encode(w)
        except UnicodeEncodeError: continue
        d=l.encode(w).decode(r,errors='replace')
        if d==l: continue
        n+=1
        whole += '\ufffd' not in d
        # re-encode with placeholder 1 byte per U+FFFD
        out=bytearray(); ok=True
        for c in d:
            if c=='\ufffd': out.append(0xFF)
            else:
                try: out+=c.encode(r)
                except UnicodeEncodeError: ok=False; break
        if ok and len(out)==len(b) and all(x==0xFF or x==y for x,y in zip(out,b)):
            aligned+=1
            # chars with a lost byte
            p=0
            for c in l:
                k=len(c.encode(w))
                if 0xFF in out[p:p+k] and HAN.match(c): lost_hanzi+=1
                p+=k
            hanzi+=len(HAN.findall(l)); lost_bytes+=out.count(0xFF)
    print(f"{name:16s} cases {n:4d}, no U+FFFD {whole:4d}, each U+FFFD one lost byte in {aligned}: "
          f"{lost_bytes} bytes lost, {lost_hanzi} of {hanzi} hanzi lost ({100 * lost_hanzi / max(1, hanzi):.0f}%)")
