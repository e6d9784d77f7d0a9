// Prints a free TCP port on 127.0.0.1 (the OS picks it).
import net from 'node:net';
const server = net.createServer();
server.listen(0, '127.0.0.1', () => {
  console.log(server.address().port);
  server.close();
});
