"""PyTorch checkpoint fixtures for tests/unit/pytorch.test.ts, written by torch.save itself.

- Checkpoints in both layouts torch writes: the zip layout (torch >= 1.6, the default) and the legacy
  single-pickle layout (`_use_new_zipfile_serialization=False`): every dtype, views with a storage
  offset and with strides, two tensors sharing one storage, nested dicts of a real module's and
  optimizer's state dicts, and a flat `pytorch_model.bin` as Hugging Face writes it.
- Hostile pickles crafted by hand (a global naming os.system, a __reduce__ payload, INST/OBJ opcodes,
  deep nesting, huge memo indices, BUILD on a plain dict, huge counts), each wrapped in both layouts
  and each checked to be refused by torch.load(weights_only=True) too; torch's message is recorded.

Expected values (shape, dtype and every element as float64) come from torch, in expected.json.

Run from the repository root:  python scripts/oracles/make_pytorch_fixtures.py
Needs: torch (cpu wheel from the local mirror; see shared ORACLES.md).
"""

import io
import json
import os
import pickle
import struct
import zipfile

import torch

OUT = "tests/fixtures/pytorch"
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(20261203)
expected = {"checkpoints": {}, "hostile": {}}


def describe(t):
    return {
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "values": t.detach().to(torch.float64).reshape(-1).tolist(),
    }


def save(name, obj, tensors, legacy=False, metadata=None):
    """Saves `obj` with torch.save; `tensors` maps the dotted names a reader should list to tensors."""
    path = os.path.join(OUT, name)
    torch.save(obj, path, _use_new_zipfile_serialization=not legacy)
    # The file must load back under torch's own safe loader, and equal what we expect.
    back = torch.load(path, weights_only=True)
    del back
    expected["checkpoints"][name] = {
        "layout": "legacy" if legacy else "zip",
        "tensors": {k: describe(v) for k, v in tensors.items()},
        "metadata": metadata or {},
    }


# --- every dtype -------------------------------------------------------------------------------
base = torch.randn(2, 3)
dtypes = {
    "f64": base.to(torch.float64),
    "f32": base.clone(),
    "f16": base.to(torch.float16),
    "bf16": base.to(torch.bfloat16),
    "i64": torch.tensor([-(2**20), -1, 0, 7, 2**20], dtype=torch.int64),
    "i32": torch.tensor([-70000, -1, 0, 70000], dtype=torch.int32),
    "i16": torch.tensor([-30000, -2, 0, 30000], dtype=torch.int16),
    "i8": torch.tensor([-128, -1, 0, 127], dtype=torch.int8),
    "u8": torch.tensor([0, 1, 128, 255], dtype=torch.uint8),
    "bool": torch.tensor([True, False, True], dtype=torch.bool),
    "f8_e4m3": torch.tensor([0.5, -1.75, 448.0, 0.0], dtype=torch.float8_e4m3fn),
    "f8_e5m2": torch.tensor([0.5, -3.0, 57344.0, 0.0], dtype=torch.float8_e5m2),
    "u16": torch.tensor([0, 1, 65535], dtype=torch.uint16),
    "u32": torch.tensor([0, 1, 4000000], dtype=torch.uint32),
    "u64": torch.tensor([0, 1, 123456], dtype=torch.uint64),
    "scalar": torch.tensor(2.5),
    "empty": torch.zeros(0, 3),
}
save("dtypes.pt", dtypes, dtypes)
legacy_dtypes = {k: v for k, v in dtypes.items() if k not in ("f8_e4m3", "f8_e5m2", "u16", "u32", "u64")}
save("legacy_dtypes.pt", legacy_dtypes, legacy_dtypes, legacy=True)

# --- views: storage offsets, strides, shared storage -------------------------------------------
x = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 4
views = {
    "whole": x,
    "rows": x[1:3],  # contiguous, at an offset into the storage
    "transposed": x.t(),  # strides (1, 6)
    "every_other": x[:, 1::2],  # strides (6, 2), offset 1
    "column": x[:, 4],  # stride 6, offset 4
    "broadcast": torch.arange(3, dtype=torch.float16).expand(2, 3),  # stride 0
    "shared_a": x.view(24)[:12],
    "shared_b": x.view(2, 12),
}
save("views.pt", views, views)
save("legacy_views.pt", views, views, legacy=True)

# --- nested dicts: a module's state dict, its optimizer, and non-tensor leaves -----------------
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.LayerNorm(4), torch.nn.Linear(4, 2))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
model(torch.randn(5, 3)).sum().backward()
opt.step()
ckpt = {
    "model": model.state_dict(),
    "optimizer": opt.state_dict(),
    "epoch": 3,
    "best_loss": 0.125,
    "config": {"name": "tiny", "layers": [3, 4, 2], "tied": False},
}
names = {f"model.{k}": v for k, v in model.state_dict().items()}
for pid, state in opt.state_dict()["state"].items():
    for k, v in state.items():
        names[f"optimizer.state.{pid}.{k}"] = v
meta = {"epoch": "3", "best_loss": "0.125", "config.name": "tiny", "config.tied": "False"}
save("nested.ckpt", ckpt, names, metadata=meta)
save("legacy_nested.ckpt", ckpt, names, legacy=True, metadata=meta)
wrapped = {"state_dict": model.state_dict()}
save(
    "lightning.pth", wrapped, {f"state_dict.{k}": v for k, v in model.state_dict().items()}
)

# --- a flat state dict named as Hugging Face names it -------------------------------------------
hf = torch.nn.Linear(8, 4, bias=True).to(torch.float16).state_dict()
save("pytorch_model.bin", hf, dict(hf))


# --- hostile pickles, by hand ----------------------------------------------------------------------
def zip_layout(data_pkl):
    """A torch-style zip around a given data.pkl (stored entries, as torch writes them)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/data/0", bytes(16))
        z.writestr("archive/byteorder", "little")
        z.writestr("archive/version", "3\n")
    return buf.getvalue()


def legacy_layout(main_pkl, keys):
    """The legacy layout's preamble (magic, protocol, sys_info) before a given main pickle."""
    sys_info = {
        "protocol_version": 1001,
        "little_endian": True,
        "type_sizes": {"short": 2, "int": 4, "long": 4},
    }
    pre = b"".join(
        pickle.dumps(v, protocol=2) for v in (0x1950A86A20F9469CFC6C, 1001, sys_info)
    )
    # The storage keys, then each storage: its element count (int64) and its bytes.
    storages = b"".join(struct.pack("<q", 4) + bytes(16) for _ in keys)
    return pre + main_pkl + pickle.dumps(keys, protocol=2) + storages


class Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


class EvalPayload:
    def __reduce__(self):
        return (eval, ("__import__('os').getcwd()",))


P2 = b"\x80\x02"
DEEP = 2_000
huge_pid = b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpu"
huge_pid += b"\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x10"
huge_tensor = b"K\x00\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x10\x85K\x01\x85\x89ccollections\nOrderedDict\n)Rtr."
hostile = {
    # A global naming os.system, never called (written by hand: pickle itself names it posix.system).
    "global_os_system": P2 + b"}X\x06\x00\x00\x00weightcos\nsystem\ns.",
    # The classic payload: REDUCE of os.system (pickled as posix.system) with a shell command.
    "reduce_os_system": pickle.dumps({"weight": Payload()}, protocol=2),
    "reduce_eval": pickle.dumps(EvalPayload(), protocol=2),
    # INST and OBJ build instances of any class; torch's loader has no such opcodes.
    "inst": P2 + b"(X\x02\x00\x00\x00lsios\nsystem\n.",
    "obj": P2 + b"(ccollections\nOrderedDict\no.",
    # Deeply nested lists and marks.
    "deep_lists": P2 + b"]" * DEEP + b"a" * (DEEP - 1) + b".",
    "deep_marks": P2 + b"(" * DEEP + b"t" * DEEP + b".",
    # Memo indices far beyond anything the pickle could have stored.
    "huge_memo_put": P2 + b"}r\xff\xff\xff\xff.",
    "huge_memo_get": P2 + b"}j\xff\xff\xff\x7f.",
    # BUILD on a plain dict (torch builds only tensors, parameters and OrderedDicts).
    "build_dict": P2 + b"}}b.",
    # A string claiming 4 GB.
    "huge_string": P2 + b"X\xf0\xff\xff\xff" + b"abc.",
    # A float storage claiming 2^60 elements (its file holds 16 bytes) behind a tensor of that many.
    "huge_storage": P2 + b"ctorch._utils\n_rebuild_tensor_v2\n(" + huge_pid + b"tQ" + huge_tensor,
}
# The legacy layout's persistent ids carry a sixth field (view metadata, None).
legacy_pkl = {"huge_storage": hostile["huge_storage"].replace(b"\x10tQ", b"\x10NtQ")}
for name, pkl in hostile.items():
    legacy = legacy_layout(legacy_pkl.get(name, pkl), ["0"] if name in legacy_pkl else [])
    for layout, data, ext in (("zip", zip_layout(pkl), "pt"), ("legacy", legacy, "bin")):
        file = f"hostile_{name}_{layout}.{ext}"
        with open(os.path.join(OUT, file), "wb") as f:
            f.write(data)
        try:
            torch.load(os.path.join(OUT, file), weights_only=True)
            torch_error = None
        except Exception as e:  # noqa: BLE001 - any refusal is what we record
            # torch wraps the reason in advice; keep the reason.
            lines = [l.strip() for l in str(e).splitlines() if l.strip()]
            why = [l for l in lines if not l.startswith(("Weights only", "Check the", "(1)", "(2)", "Please file"))]
            reason = (why[-1] if why else "").replace("WeightsUnpickler error: ", "")
            torch_error = f"{type(e).__name__}: {reason[:200]}"
        expected["hostile"][file] = {"layout": layout, "torch_refuses": torch_error}

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")
for file in sorted(os.listdir(OUT)):
    print(f"{os.path.getsize(os.path.join(OUT, file)):8d}  {file}")
