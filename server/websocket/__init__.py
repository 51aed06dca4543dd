"""The WebSocket transport: graphql-transport-ws details, shared group streams and each
connection's bounded outbox."""
