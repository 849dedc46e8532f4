"""Result caching: the cache primitive and its storage backends."""
