"""Measurements that need running services, kept out of the installed package."""
