"""Data providers: each turns a (symbol, field) request into an observation frame (date, value).

Providers know nothing of analyses. Live providers speak the remote service's real wire format;
``snapshot`` reads an offline snapshot directory and never touches the network.
"""
