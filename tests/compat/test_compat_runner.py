"""`python -m ember run` / `check` and ember.compat.install()."""
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_ember(args, cwd, timeout=120):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "ember"] + args, cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_run_maps_torch_and_keeps_main_argv_and_local_imports(tmp_path):
    (tmp_path / "helpers.py").write_text("def double(x):\n    return x * 2\n")
    (tmp_path / "prog.py").write_text(textwrap.dedent("""
        import sys
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        from torch.utils.data import DataLoader, TensorDataset
        import torchvision
        from helpers import double
        assert torch.__name__ == "ember" and nn.__name__ == "ember.nn"
        assert torchvision.__name__ == "ember.vision"
        x = double(torch.ones(3))
        print("name", __name__, "argv", sys.argv[1:], "sum", x.sum().item())
    """))
    r = run_ember(["run", "prog.py", "--flag", "7"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "name __main__ argv ['--flag', '7'] sum 6.0" in r.stdout


def test_run_module_form(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "util.py").write_text("K = 3\n")
    (pkg / "main.py").write_text("import torch\nfrom .util import K\n"
                                 "print('ok', torch.full((2,), K).tolist(), __name__)\n")
    r = run_ember(["run", "-m", "pkg.main"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "ok [3, 3] __main__" in r.stdout


def test_spawn_workers_see_the_alias(tmp_path):
    (tmp_path / "prog.py").write_text(textwrap.dedent("""
        import torch
        from torch.utils.data import DataLoader, Dataset

        class Squares(Dataset):
            def __len__(self):
                return 8
            def __getitem__(self, i):
                return torch.tensor(float(i * i))

        if __name__ == "__main__":
            dl = DataLoader(Squares(), batch_size=4, num_workers=2,
                            multiprocessing_context="spawn")
            print("batches", [b.tolist() for b in dl])
    """))
    r = run_ember(["run", "prog.py"], tmp_path, timeout=180)
    assert r.returncode == 0, r.stderr
    assert "batches [[0.0, 1.0, 4.0, 9.0], [16.0, 25.0, 36.0, 49.0]]" in r.stdout


def test_missing_api_error_names_the_gap(tmp_path):
    (tmp_path / "prog.py").write_text("import torch\ntorch.fx.symbolic_trace\n")
    r = run_ember(["run", "prog.py"], tmp_path)
    assert r.returncode != 0
    assert "AttributeError: ember does not implement torch.fx yet" in r.stderr
    (tmp_path / "prog2.py").write_text("import torch._inductor\n")
    r = run_ember(["run", "prog2.py"], tmp_path)
    assert "ModuleNotFoundError: ember does not implement torch._inductor yet" in r.stderr


def test_check_lists_unprovided_apis(tmp_path):
    (tmp_path / "prog.py").write_text(textwrap.dedent("""
        import torch
        import torch.nn as nn
        from torch.utils.data import DataLoader
        x = torch.zeros(3)
        y = torch.fx.symbolic_trace
        z = nn.NotALayer
        torch.jit.script
    """))
    r = run_ember(["check", "prog.py"], tmp_path)
    assert r.returncode == 1
    assert "line 6: torch.fx" in r.stdout
    assert "line 7: torch.nn.NotALayer" in r.stdout
    assert "torch.zeros" not in r.stdout and "DataLoader" not in r.stdout


def test_install_in_process_and_uninstall(tmp_path):
    # in a fresh interpreter: install() drops an imported real torch from sys.modules, which
    # must not happen inside the test process (other tests use real torch as the oracle)
    code = textwrap.dedent("""
        import sys
        import torch as real_torch
        import ember, ember.compat
        ember.compat.install()
        import torch
        assert torch is ember and sys.modules["torch"] is ember
        from torch import nn
        assert nn is ember.nn
        try:
            torch.not_a_thing
        except AttributeError as e:
            assert "ember does not implement torch.not_a_thing yet" in str(e)
        else:
            raise AssertionError("no AttributeError")
        ember.compat.uninstall()
        assert "torch" not in sys.modules
        print("ok")
    """)
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


def test_check_scans_text_of_files_that_do_not_parse(tmp_path):
    (tmp_path / "snippet.py").write_text("import torch\nif torch.cuda.is_available()\n"
                                         "    x = torch.not_there(1)\n")
    r = run_ember(["check", "snippet.py"], tmp_path)
    assert "not valid Python (line 2" in r.stdout
    assert "torch.not_there" in r.stdout and r.returncode == 1
