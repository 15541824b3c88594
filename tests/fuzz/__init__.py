"""A random-program differential fuzzer for adc.

    python -m tests.fuzz --n 2000 --backend python --jobs 2 [--seed S] [--shrink]

`generate.generate(seed)` writes a program inside the documented subset,
`oracle.check(program, backends)` runs adc's value, gradient, jvp and hvp
against the primal and Richardson-extrapolated finite differences, and
`shrink.shrink(program, signature)` reduces a failing program. FINDINGS.md
logs what it found.
"""
