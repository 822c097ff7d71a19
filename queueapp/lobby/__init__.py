"""The guests' side of the queue, as pure values: the waiting-area board, one guest's
own page, the busy hours, and the checks of a guest's own check-in. No web framework
here: ``queueapp/web`` renders these; the stand can show the same facts."""
