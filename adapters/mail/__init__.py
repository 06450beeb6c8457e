"""Mail adapters: the words of each mail (``composer.py``) and its delivery,
by SMTP (``smtp.py``) or into the development mailbox (``dev://``)."""
