"""Number and date formats Django has no locale files for (``FORMAT_MODULE_PATH``)."""
