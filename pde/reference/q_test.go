package reference
import ("testing";"math")
func TestQ(t *testing.T){
 ts:=[]float64{0.001,0.01,0.05,0.1,0.5,1}
 for _,ex:=range []bool{false,true}{
 acExactIC=ex
 res:=map[int][][]float64{}
 for _,n:=range []int{256,512,1024,4096}{ _,u,_:=AllenCahn(0.001,n,1e-4,ts); res[n]=u}
 for i:=range ts{
  for _,n:=range []int{256,512,1024}{
   var d float64; arg:=0
   r:=4096/n
   for j:=0;j<n;j++{ e:=math.Abs(res[n][i][j]-res[4096][i][r*j]); if e>d{d=e;arg=j}}
   t.Logf("exact=%v t=%g N=%d err vs 4096 %.3g at x=%.4f", ex, ts[i], n, d, -1+2*float64(arg)/float64(n))
  }
 }}
}
