"""The Locust side of `ircli load-test`, which only the engine's own process imports: gevent's
monkey-patching, Locust's runners and the clients that send the requests. ircli's process starts it with
`python -m ircli.loadtest.engine` (`ircli.lib.loadtest.run`) and never imports it."""
