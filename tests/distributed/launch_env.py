"""Worker: prints the torchrun variables the launcher gave this rank; ``--exit-code N`` makes
the last rank exit with N (after a barrier the others wait in)."""
import os
import sys
import time

import ember as torch
import ember.distributed as dist

if __name__ == "__main__":
    names = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK",
             "MASTER_ADDR", "MASTER_PORT", "TORCHELASTIC_RUN_ID")
    print("ENV " + " ".join(f"{n}={os.environ.get(n)}" for n in names) + " ARGV " +
          " ".join(sys.argv[1:]), flush=True)
    dist.init_process_group("gloo")
    assert dist.get_rank() == int(os.environ["RANK"])
    assert dist.is_torchelastic_launched()
    if "--exit-code" in sys.argv:
        code = int(sys.argv[sys.argv.index("--exit-code") + 1])
        if dist.get_rank() == dist.get_world_size() - 1:
            sys.exit(code)
        t = torch.ones(1)
        dist.all_reduce(t)              # waits for the rank that left: must not hang
        time.sleep(30)
    dist.barrier()
