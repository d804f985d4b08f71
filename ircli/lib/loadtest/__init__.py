"""`ircli load-test`'s core: a job's TrafficPattern as a schedule of load levels, the stopping conditions as
the service applies them, the payloads, what was measured as Inference Recommender's figures, and the local
store of measured results. Locust drives the traffic in a child process (`ircli.loadtest.engine`); this
package imports neither Locust nor gevent."""
