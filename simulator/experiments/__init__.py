"""Experiments: scenarios x parameter samples x replicates, run as a batch on this machine or a Dask cluster
into a resumable store, with paired comparisons, costs per unit of outcome and sensitivity indices.

Modules: `spec` (experiment files), `settings` and `sampling` (sampled settings and designs), `branching`
(shared months), `worker` (what a worker process runs), `runner` (the batch on Dask), `store` (the store),
`yearly`, `compare`, `sensitivity` and `tables` (reading results), `commands` (the command-line work), `docs`
(the generated reference docs/experiments.md).
"""
