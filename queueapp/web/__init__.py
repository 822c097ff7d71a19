"""The guest web server (``queueapp serve``): the waiting-area board, each guest's own
page and self check-in, a thin front door over ``queueapp.lobby`` and the store."""
