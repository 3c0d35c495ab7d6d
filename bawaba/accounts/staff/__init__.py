"""Staff accounts: the central administrator's pages to create, import, invite, change and deactivate them."""
