"""Connection guards: bounds on what one client may hold or send before any GraphQL runs
(request head and body size, slow heads, connections and streams per client)."""
