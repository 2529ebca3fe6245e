"""One device default (auto) everywhere, and a device this machine lacks is one clear line before any work."""

from __future__ import annotations

import pytest
import torch

from landscape.nn.device import resolve_device

no_cuda = pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")


def test_auto_and_names():
    assert resolve_device("auto") == torch.device("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("cpu") == resolve_device(torch.device("cpu")) == torch.device("cpu")
    for bad in ("gpu", "cuda:x", 3.5):
        with pytest.raises(ValueError, match="device must be 'auto', 'cpu', 'cuda'"):
            resolve_device(bad)


@no_cuda
def test_cuda_without_cuda_is_a_clear_error():
    for name in ("cuda", "cuda:1"):
        with pytest.raises(ValueError, match="CUDA is not available here"):
            resolve_device(name)


@no_cuda
@pytest.mark.parametrize("cli", ["search", "report", "study"])
def test_clis_refuse_cuda_in_one_line_and_write_nothing(cli, tmp_path, capsys):
    out = tmp_path / "out"
    if cli == "search":
        from landscape.studies.__main__ import main

        code = main(["spos", "--preset", "smoke", "--out", str(out), "--device", "cuda"])
    elif cli == "report":
        from landscape.report.__main__ import main

        code = main(["--run", "smoke", "--out", str(out), "--device", "cuda"])
    else:
        from landscape.flatness.__main__ import main

        code = main(["--preset", "smoke", "--out", str(out / "p.csv"), "--device", "cuda"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "CUDA is not available here" in err and "\n" not in err and "Traceback" not in err
    assert not out.exists()
