"""Searches its whole address space for markers planted by earlier students' jobs.

Reads its mappings from /proc/self/maps (this needs the sandbox without Landlock, which would
deny /proc: the point is that nothing is there, not that it is out of reach) and every readable
byte of them with ctypes. A marker is "LEAKMARK-" and 23 more characters; the code below never
holds a marker of another job itself: it compares the sha256 of what follows each "LEAKMARK-"
it finds with the digests it was given. Returns the digests it found, hex, joined by commas.

DIGESTS is replaced by the test with the digests of every marker planted so far, and of this
job's own marker (the positive control: it travels in this job's inputs).
"""
import ctypes
import hashlib

digests = set(DIGESTS)
prefix = b"LEAK" + b"MARK-"
found = set()
with open("/proc/self/maps") as maps:
    regions = [line.split() for line in maps.read().splitlines()]
for fields in regions:
    start, end = (int(x, 16) for x in fields[0].split("-"))
    if not fields[1].startswith("r") or (len(fields) > 5 and fields[5] in ("[vvar]", "[vvar_vclock]", "[vsyscall]")):
        continue
    step = 1 << 24
    for lo in range(start, end, step):
        chunk = ctypes.string_at(lo, min(step + 64, end - lo))
        at = chunk.find(prefix)
        while at >= 0:
            digest = hashlib.sha256(chunk[at:at + 32]).hexdigest()
            if digest in digests:
                found.add(digest)
            at = chunk.find(prefix, at + 1)
        del chunk
return ",".join(sorted(found))
