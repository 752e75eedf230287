"""CPU per Argon2id verification for each of OWASP's equal-strength settings (docs/PERFORMANCE.md).

.venv/bin/python loadtests/bench_hashers.py
"""

import statistics
import time

from argon2.low_level import Type, hash_secret

settings = [(47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5)]
times = {s: [] for s in settings}
for _ in range(40):  # interleaved, so machine noise hits every setting alike
    for m, t in settings:
        start = time.process_time()
        hash_secret(b"correct-horse-battery", b"0123456789abcdef", t, m, 1, 32, Type.ID)
        times[(m, t)].append(time.process_time() - start)
for (m, t), v in times.items():
    v.sort()
    median, p95 = 1000 * statistics.median(v), 1000 * v[int(len(v) * 0.95)]
    print(f"| m={m} KiB ({m // 1024} MiB), t={t}, p=1 | {median:.1f} ms | {p95:.1f} ms |")
