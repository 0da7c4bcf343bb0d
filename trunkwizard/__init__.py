"""trunkwizard: provision SIP trunks, SIP endpoints and phone numbers from the terminal."""

__version__ = "0.1.0"
