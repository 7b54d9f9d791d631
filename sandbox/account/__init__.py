"""The sandbox's AWS account: moto, with the fidelity layer that makes it behave as AWS does where moto is forgiving.

``server.py`` is the launcher; each other module holds one behaviour (``install(settings)`` patches moto in-process).
"""
