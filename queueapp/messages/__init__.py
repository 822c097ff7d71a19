"""Messages to guests (issue 12): a pure core (``settings``, ``templates``, ``plan``,
``retry``) over the store's outbox, and the sender (``sender``) that delivers through
Apprise in a worker thread. The core never imports Textual."""
