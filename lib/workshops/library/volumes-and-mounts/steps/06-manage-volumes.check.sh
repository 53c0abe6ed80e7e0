for v in notes redisdata; do
  if docker volume inspect "$v" >/dev/null 2>&1; then
    echo "The volume $v still exists. Remove it with docker volume rm $v (after removing any container that uses it)."
    exit 1
  fi
done
