"""`minkops replay`: recorded WhatsApp traffic, replayed against the real service as Twilio
would post it, with acknowledgement and reply latencies, throughput, and what was lost or
doubled."""
