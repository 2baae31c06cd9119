"""Validate every case file against Golden/schema/nl-golden-case.v1.schema.json (needs jsonschema)."""
import glob
import json
import os
import sys

import jsonschema

golden = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
schema = json.load(open(os.path.join(golden, "schema", "nl-golden-case.v1.schema.json")))
validator = jsonschema.Draft202012Validator(schema)
bad = 0
paths = sorted(glob.glob(os.path.join(golden, "cases", "*", "*.json")))
for path in paths:
    for error in validator.iter_errors(json.load(open(path))):
        bad += 1
        print(f"{path}: {'.'.join(map(str, error.absolute_path)) or '<case>'}: {error.message}")
print(f"{len(paths)} case files checked against the JSON Schema, {bad} problems")
sys.exit(1 if bad else 0)
