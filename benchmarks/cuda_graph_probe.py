"""Probe: what CUDA graphs would give the decode step on a GPU (HF model + StaticCache, captured once).

Not the engine (which runs eager, with a growing cache): a measurement of the ceiling a CUDA-graph
decode path would have, per batch size, for the embedded model's shape with random weights.
Run on a GPU machine: ``python -m benchmarks.cuda_graph_probe DIR`` (DIR: config.json + tokenizer).
"""

import sys
import time
from pathlib import Path

import torch
from transformers import StaticCache
from benchmarks.device_engine import load_shaped, read_bandwidth_gbs
torch.set_grad_enabled(False)
dev=torch.device("cuda")
base=load_shaped(Path(sys.argv[1]), dev)
m=base.model
wb=sum(p.numel()*p.element_size() for p in m.parameters())
bw=read_bandwidth_gbs(dev); bound=bw*1e9/wb
print("bound tok/s", round(bound,1), "bw", round(bw,1))
for bs in (1,8,64):
    L=512
    cache=StaticCache(config=m.config, max_cache_len=L)
    prompt=torch.randint(0,1000,(bs,100),device=dev)
    cp=torch.arange(100,device=dev)
    out=m(input_ids=prompt, past_key_values=cache, cache_position=cp, use_cache=True)
    tok=torch.zeros((bs,1),dtype=torch.long,device=dev)
    pos=torch.tensor([100],device=dev)
    def step():
        return m(input_ids=tok, past_key_values=cache, cache_position=pos, position_ids=pos[None].expand(bs,1), use_cache=True).logits
    # eager timing
    for _ in range(3): step()
    torch.cuda.synchronize(); t=time.perf_counter()
    for _ in range(20): step()
    torch.cuda.synchronize(); eager=(time.perf_counter()-t)/20
    s=torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3): step()
    torch.cuda.current_stream().wait_stream(s)
    g=torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        logits=step()
    torch.cuda.synchronize(); t=time.perf_counter()
    for i in range(50):
        g.replay(); pos.add_(1); nxt=logits[:, -1].argmax(-1); tok.copy_(nxt[:,None])
    torch.cuda.synchronize(); graph=(time.perf_counter()-t)/50
    print(f"bs{bs}: eager step {eager*1000:.2f} ms, graph step {graph*1000:.3f} ms, graph tok/s {bs/graph:.0f}, batch-1 fraction {1/graph/bound:.3f}" )
