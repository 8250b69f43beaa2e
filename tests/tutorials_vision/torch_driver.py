"""Run tutorial scripts with real torch, one after the other in this one process (importing
torch + torchvision once costs seconds on a busy machine).

    python torch_driver.py WORKDIR SCRIPT.py [SCRIPT.py ...]

Each script runs in ``WORKDIR/run_<name>/torch`` (made by the test, with the data links), its
stdout goes to ``torch.out`` there and the warnings it raises (category and first line) to
``torch_warnings.json``; ``torch_status.json`` holds ``ok`` or the traceback. The global state
the scripts change (sampler monkeypatches, default device, determinism flags) is restored
between scripts.
"""
import contextlib
import io
import json
import os
import runpy
import sys
import traceback
import warnings

import torch
import torchvision  # noqa: F401  (imported once, as each script will)


def run_one(workdir, script):
    name = os.path.splitext(os.path.basename(script))[0]
    cwd = os.path.join(workdir, "run_" + name, "torch")
    saved = {k: getattr(torch, k) for k in ("randn", "randn_like")}
    out = io.StringIO()
    old_cwd, old_argv = os.getcwd(), sys.argv
    os.chdir(cwd)
    sys.argv = [script]
    status = "ok"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(out):
                runpy.run_path(script, run_name="__main__")
        except BaseException:  # noqa: BLE001 - reported to the test
            status = traceback.format_exc()
        finally:
            for k, v in saved.items():
                setattr(torch, k, v)
            torch.set_default_device(None)
            torch.use_deterministic_algorithms(False)
            torch.backends.cudnn.benchmark = False
            sys.argv = old_argv
    found = sorted({(w.category.__name__, str(w.message).splitlines()[0]) for w in caught})
    with open("torch.out", "w") as f:
        f.write(out.getvalue())
    with open("torch_warnings.json", "w") as f:
        json.dump(found, f)
    with open("torch_status.json", "w") as f:
        json.dump(status, f)
    os.chdir(old_cwd)


if __name__ == "__main__":
    for path in sys.argv[2:]:
        run_one(sys.argv[1], path)
