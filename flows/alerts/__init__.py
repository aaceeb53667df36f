"""Alerts: the right person hears about a failed night, once per distinct problem.

`outcome` sorts what a run learned into what curators and operators must hear,
`messages` writes it (German first, English below, plain text), `state` remembers what
was already said (`output.d/alerts.json`, beside the releases) and `channels` sends it
through Apprise URLs (e-mail, webhooks, Teams, Matrix ...) configured per audience.
`notify` ties them together and never raises: a failing alert never changes a run.
May use: flows.publish (credentials), flows.release (the store) and every stage below
them, and schemas; never the Prefect flows or the command line above it.
"""
