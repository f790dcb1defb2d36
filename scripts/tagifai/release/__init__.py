"""`tagifai-release`: publish marts.labeled_projects as an immutable, gated, verifiable dataset release.

store.py  the release folder: names, lock, atomic write, manifests, content hash, verification
warehouse.py  what a release reads from the warehouse (rows, build results, parameters, inputs)
gates.py  the release gates and their defaults
diff.py  what changed between two releases
cli.py  the command: release, list, diff
"""
