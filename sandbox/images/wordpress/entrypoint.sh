#!/bin/bash
# Writes WordPress's database settings from the WORDPRESS_* variables, then
# runs Apache in the foreground.
set -euo pipefail

# A PHP single-quoted string: backslashes and quotes escaped.
php_string() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }
salt() { tr -dc 'A-Za-z0-9!#%+,.:;=?@^_~-' < /dev/urandom | head -c 64; }

if [ "${1:-}" = apache2-foreground ]; then
  config=/etc/wordpress/config-default.php
  {
    echo "<?php"
    echo "define('DB_NAME', $(php_string "${WORDPRESS_DB_NAME:-wordpress}"));"
    echo "define('DB_USER', $(php_string "${WORDPRESS_DB_USER:-example username}"));"
    echo "define('DB_PASSWORD', $(php_string "${WORDPRESS_DB_PASSWORD:-example password}"));"
    echo "define('DB_HOST', $(php_string "${WORDPRESS_DB_HOST:-mysql}"));"
    echo "define('DB_CHARSET', 'utf8mb4');"
    echo "\$table_prefix = $(php_string "${WORDPRESS_TABLE_PREFIX:-wp_}");"
    for key in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
      echo "define('$key', $(php_string "$(salt)"));"
    done
    [ -n "${WORDPRESS_DEBUG:-}" ] && echo "define('WP_DEBUG', true);"
    echo "define('WP_CONTENT_DIR', '/var/lib/wordpress/wp-content');"
    [ -n "${WORDPRESS_CONFIG_EXTRA:-}" ] && printf '%s\n' "$WORDPRESS_CONFIG_EXTRA"
  } > "$config"
  chown root:www-data "$config"
  chmod 640 "$config"
  chown -R www-data:www-data /var/lib/wordpress/wp-content
  set +u # Apache's envvars uses unset variables
  . /etc/apache2/envvars
  mkdir -p "$APACHE_RUN_DIR" "$APACHE_LOCK_DIR" "$APACHE_LOG_DIR"
  rm -f "$APACHE_PID_FILE"
  exec apache2 -DFOREGROUND
fi
exec "$@"
