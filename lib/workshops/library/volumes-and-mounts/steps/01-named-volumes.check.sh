if ! docker volume inspect notes >/dev/null 2>&1; then
  echo "There is no volume called notes yet. Create it with: docker volume create notes"
  exit 1
fi
if ! docker run --rm -v notes:/data:ro busybox grep -q 'remember me' /data/note.txt 2>/dev/null; then
  echo "The notes volume has no note.txt with 'remember me' in it yet. Write it with the docker run --rm -v notes:/data ... command of this step."
  exit 1
fi
