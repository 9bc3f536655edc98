#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""validate_json.py SCHEMA_DIR OUTPUT ARGS...: the document a run printed
(OUTPUT) against the published schema of its command (docs/schema/), the
command being the first of ARGS that names one (else the top level).
Exit 1 naming what does not fit."""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)  # RefResolver in 4.18+
try:
    import jsonschema  # noqa: E402
except ImportError:  # a python3 without it: Debian's, with python3-jsonschema
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

COMMANDS = ("add-cluster", "remove-cluster", "refresh-clusters", "list-clusters", "check",
            "doctor", "show-endpoint")


def main():
    sdir, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    text = open(out).read()
    if not text.strip():
        return 0
    cmd = next((a for a in args if a in COMMANDS), "top")
    store = {}
    for name in os.listdir(sdir):
        if name.endswith(".schema.json"):
            s = json.load(open(os.path.join(sdir, name)))
            store[s["$id"]] = s
    schema = json.load(open(os.path.join(sdir, cmd + ".schema.json")))
    resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
    doc = json.loads(text)
    errors = sorted(jsonschema.Draft202012Validator(schema, resolver=resolver).iter_errors(doc),
                    key=lambda e: e.path)
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        print("%s output does not fit docs/schema/%s.schema.json: %s at %s" % (
            cmd, cmd, best.message[:300], "/".join(str(p) for p in best.absolute_path)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
