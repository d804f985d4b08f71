"""The embedded simulator of SageMaker Inference Recommender and of the endpoint APIs around it.

`models` holds API-shaped state over the SQLite `store`; `perf` is the performance model and
`catalog.json` its instance data; `responses` parses wire requests and `server` serves them over HTTP;
`exceptions` carries the service's error codes.
"""
