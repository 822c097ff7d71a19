"""The Textual shell over the queueapp core."""
