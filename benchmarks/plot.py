"""Plot decoder-level throughput per parser across chunk sizes (PNG, matplotlib Agg).

python benchmarks/plot.py                      # run the decoder benchmark (full), plot
python benchmarks/plot.py --from results.json  # plot a run.py --json file
python benchmarks/plot.py --out path.png       # default docs/img/decoders.png
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _emulator_process import ROOT

DEFAULT_OUT = ROOT / "docs" / "img" / "decoders.png"
_TITLES = {
    "sse": "SSE events/s",
    "typed": "typed events/s",
    "text_deltas": "text_deltas/s",
}


def plot(results: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dec = results["decoders"]
    rows = dec["rows"]
    groups = [g for g in _TITLES if any(r["group"] == g for r in rows)]
    fig, axes = plt.subplots(1, len(groups), figsize=(5.2 * len(groups), 4.6), squeeze=False)
    for ax, group in zip(axes[0], groups, strict=True):
        names = list(dict.fromkeys(r["parser"] for r in rows if r["group"] == group))
        for name in names:
            pts = sorted((r["chunk_size"], r["per_s"]) for r in rows if r["parser"] == name)
            ours = name.startswith("runs")
            ax.plot(
                [p[0] for p in pts],
                [p[1] for p in pts],
                marker="o",
                linewidth=2.2 if ours else 1.3,
                linestyle="-" if ours else "--",
                label=name,
            )
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("chunk size (bytes)")
        ax.set_title(_TITLES[group])
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="best", framealpha=0.8)
    axes[0][0].set_ylabel("per second (median, log scale)")
    meta = results.get("meta", {})
    fig.suptitle(
        f"Decoding a {dec['deltas']:,}-delta Assistants run stream "
        f"(Python {meta.get('python', '?')}, {meta.get('machine', '?')}, {meta.get('date', '')})",
        fontsize=10,
    )
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="source", type=Path, help="a run.py --json file")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    if args.source:
        results = json.loads(args.source.read_text())
    else:
        import run

        return run.main(["--full", "--only", "decoders", "--plot", str(args.out)])
    plot(results, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
