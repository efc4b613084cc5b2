"""Use cases: one function per thing a person does or sees.

Each function takes the request context (:class:`services.context.RequestContext`) and
plain arguments, opens and closes its own session, reads through ``db``, writes through
the registered writes, applies the viewer's disclosure rule once and returns dataclasses
or frames. Pages, presentation mode, meeting packs, reports and downloads all get their
figures here, so every surface shows the same figure.
"""
