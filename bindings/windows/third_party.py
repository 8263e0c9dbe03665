"""THIRD-PARTY.txt of the Windows release: every crate linked into the named packages, with its licence.

Reads `cargo metadata --format-version 1 --filter-platform TARGET` on stdin; the arguments are the root
packages (kyso-cli, kyso-ffi). Walks normal dependencies only (build and dev dependencies are not linked).
"""

import json
import sys

meta = json.load(sys.stdin)
packages = {p["id"]: p for p in meta["packages"]}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
roots = [p["id"] for p in meta["packages"] if p["name"] in sys.argv[1:]]
seen, todo = set(), list(roots)
while todo:
    pid = todo.pop()
    if pid in seen:
        continue
    seen.add(pid)
    for dep in nodes[pid]["deps"]:
        if any(k["kind"] is None for k in dep["dep_kinds"]):
            todo.append(dep["pkg"])

print("kyso.exe and kyso.dll contain these Rust crates; each is used under the licence it declares.")
print("Their licence texts are in each crate's published source. The built-in font, Liberation Serif,")
print("is under the SIL Open Font License 1.1 (OFL.txt).\n")
for p in sorted((packages[i] for i in seen), key=lambda p: (p["name"], p["version"])):
    print(f"{p['name']} {p['version']}: {p.get('license') or 'see ' + str(p.get('license_file'))}")
