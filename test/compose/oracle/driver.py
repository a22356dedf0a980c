"""Runs docker-compose 1.29.2's own `config` command (compose.cli.main.main, the entry point of the
`docker-compose` script) for many folders in ONE Python process: the test suite would otherwise pay
the interpreter and import start-up once per file.

stdin: {"jobs": [{"cwd", "files", "env"}]}; stdout: JSON list of {"status", "stdout", "stderr", "shlex"}.
Each result also carries "shlex": the `command`/`entrypoint` strings of the output (with `$$`
unescaped) split by Python's shlex, which is what 1.29.2 itself does with them at `up` time.
"""
import contextlib
import io
import json
import logging
import os
import shlex
import sys

import yaml

from compose.cli.main import main

request = json.load(sys.stdin)
results = []
for job in request["jobs"]:
    os.environ.clear()
    os.environ.update(job["env"])
    os.chdir(job["cwd"])
    out, err = io.StringIO(), io.StringIO()
    status = 0
    sys.argv = ["docker-compose"] + [arg for f in job["files"] for arg in ("-f", f)] + ["config"]
    # docker-compose logs through handlers on the root logger; start each run with none
    logging.getLogger().handlers.clear()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as e:
            status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except Exception as e:  # noqa: BLE001 - reported to the test as a failure
            status = 1
            err.write(repr(e))
    for handler in logging.getLogger().handlers:
        handler.flush()
    words = {}
    if status == 0:
        doc = yaml.safe_load(out.getvalue()) or {}
        for service in (doc.get("services") or {}).values():
            for key in ("command", "entrypoint"):
                value = (service or {}).get(key)
                if isinstance(value, str):
                    text = value.replace("$$", "$")
                    words[text] = shlex.split(text)
    results.append({"status": status, "stdout": out.getvalue(), "stderr": err.getvalue(), "shlex": words})

json.dump(results, sys.__stdout__)
