"""The drop-in cloud for any process: the kept certificate authority and the server certificate
(``authority``), the listeners of ``serve --tls --real-ports`` (``listeners``), the DNS responder
(``dns``), the CLI options and the ``env`` command (``command``), the ``env`` output
(``environment``) and the startup hooks it points at: the Python ``sitecustomize``
(``pythonpath/``, running :mod:`emulator.dropin.hook`) and the Node preload (``node/preload.cjs``).

Standard library only here: the Python startup hook imports this package in processes that may
have none of the emulator's dependencies.
"""
