"""`jixiao token create|list|revoke`: API tokens for people and scripts.

`create` prints the token once; only its hash is stored, so a lost token is revoked and a new
one created. Works on the database the server uses (`DATABASE_URL` or the data folder).
"""

import argparse


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    from models.tokens import Role

    parser.add_argument("action", choices=("create", "list", "revoke"))
    parser.add_argument("--name", help="who holds it; shown in the audit trail")
    parser.add_argument("--role", choices=[r.value for r in Role], default=Role.REVIEWER.value)


def run(args: argparse.Namespace) -> int:
    from jixiao.settings import get_settings
    from models.db import session_factory, upgrade_database
    from models.tokens import Role, TokenError, create_token, list_tokens, revoke_token

    url = get_settings().resolved_database_url
    upgrade_database(url)
    with session_factory(url)() as session:
        if args.action == "list":
            for row in list_tokens(session):
                state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
                print(f"{row.name}\t{row.role}\t{row.created_at:%Y-%m-%d}\t{state}")
            return 0
        if not args.name:
            print(f"token {args.action} needs --name")
            return 2
        if args.action == "revoke":
            if revoke_token(session, args.name):
                print(f"revoked {args.name}")
                return 0
            print(f"no active token named {args.name}")
            return 1
        try:
            print(create_token(session, args.name, Role(args.role)))
        except TokenError as exc:
            print(exc)
            return 1
    return 0
