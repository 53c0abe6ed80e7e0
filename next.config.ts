import type { NextConfig } from "next";

const config: NextConfig = {
  // dockerode pulls in ssh2, which Turbopack cannot bundle; node-pty is native.
  serverExternalPackages: ["dockerode", "node-pty"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
